public import Reconciler
import Spec

/// A Consul check status and its output: what a service's TTL check says.
public struct CheckReport: Sendable, Hashable, CustomStringConvertible {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case passing, warning, critical
    }

    public var status: Status
    public var output: String

    public init(_ status: Status, _ output: String) {
        self.status = status
        self.output = output
    }

    public var description: String { "\(status.rawValue): \(output)" }

    /// What a service's check says, from the published state alone:
    /// - critical: below its quorum, or the kernel does not hold the service (a pass failed);
    /// - warning: quorum met, but some backends are down;
    /// - passing: quorum met and every backend healthy (or nothing checks their health).
    ///
    /// The output counts backends up, so `consul catalog`/the UI shows why without asking us.
    public init(_ service: ServiceState, kernelRead: Bool) {
        let backends = service.backends.filter { !$0.backend.fallback }.count
        if kernelRead, service.kernel == nil {
            self.init(.critical, "not in the kernel's IPVS table (see the daemon's GET /status)")
            return
        }
        guard let standing = service.standing else {
            self.init(.passing, "\(backends) of \(backends) backends configured; no health checks")
            return
        }
        let counts = "\(standing.healthy) of \(standing.total) backends up (quorum \(standing.quorum))"
        if !standing.up {
            self.init(.critical, "\(counts): below quorum")
        } else if standing.healthy < standing.total {
            self.init(.warning, "\(counts): some down")
        } else {
            self.init(.passing, counts)
        }
    }
}
