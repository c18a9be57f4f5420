import Checks
import Spec
public import Reconciler

/// Whether a service may carry its VIP's announcement: up, down, or not known yet.
public enum ServiceReadiness: Sendable, Hashable {
    /// At least `quorum` backends (fallback not counted) are known healthy.
    case up
    /// Not enough known healthy, but some are not checked yet: wait for their verdict.
    case unknown
    /// Not enough healthy even if every unchecked one turned out up.
    case down

    /// The readiness of `service` as the last pass published it.
    ///
    /// A backend counts when the checks said `up` (or its check is `type: none`, which has
    /// nothing to wait for) and the operator has not drained it (weight 0 takes no new flows).
    /// Unlike the kernel's weights, a backend not checked yet does not count: a restarted daemon
    /// must not announce a VIP whose backends nobody has looked at. Without health checks at all
    /// every service is up.
    public init(_ service: ServiceState, checked: Bool) {
        guard checked else {
            self = .up
            return
        }
        var healthy = 0
        var pending = 0
        for backend in service.backends where !backend.backend.fallback {
            if backend.desiredWeight == 0 { continue }
            switch backend.status {
            case .up?: healthy += 1
            case .down?, .draining?: break
            case .unknown?, nil:
                if backend.backend.pulse.type == .none { healthy += 1 } else { pending += 1 }
            }
        }
        let quorum = max(1, service.service.quorum)
        if healthy >= quorum {
            self = .up
        } else if healthy + pending >= quorum {
            self = .unknown
        } else {
            self = .down
        }
    }
}
