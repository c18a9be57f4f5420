public import Addresses
public import Reconciler
import Spec

/// Decides which VIPs this host announces, from the published state and nothing else: a value
/// whose only memory is when health last withdrew each VIP (for the hold-down). Pure: the same
/// inputs give the same answer, so every rule is a table test.
///
/// A VIP is announced while at least one service on it is up (``ServiceReadiness``), the first
/// pass has applied, the VIP is on the interface (when VIPs are managed), the host is not in
/// maintenance and the daemon is not stopping. A VIP that health withdrew stays withdrawn for
/// `hold-down`; withdrawals themselves are never delayed.
public struct AnnouncementPlanner: Sendable {
    public var holdDown: Duration
    /// When health last withdrew each VIP.
    private var withdrawnByHealth: [IPAddress: ContinuousClock.Instant] = [:]
    /// What the last decision announced.
    private var announced: Set<IPAddress> = []

    public init(holdDown: Duration) {
        self.holdDown = holdDown
    }

    /// The inputs of one decision.
    public struct Inputs: Sendable {
        public var state: LoadBalancerState
        /// VIPs present on the interface; `nil`: the daemon does not manage VIPs (no filter).
        public var present: Set<IPAddress>?
        public var stopping: Bool
        public var now: ContinuousClock.Instant

        public init(state: LoadBalancerState, present: Set<IPAddress>? = nil, stopping: Bool = false, now: ContinuousClock.Instant) {
            self.state = state
            self.present = present
            self.stopping = stopping
            self.now = now
        }
    }

    /// Every VIP of the config with its decision, in the file's order, and when a hold-down ends
    /// (the caller decides again then).
    public mutating func decide(_ inputs: Inputs) -> (vips: [VIPDecision], recheckAt: ContinuousClock.Instant?) {
        let state = inputs.state
        let applied = state.status.lastPass != nil
        let checked = state.health != nil
        var order: [IPAddress] = []
        var services: [IPAddress: [String]] = [:]
        var readiness: [IPAddress: ServiceReadiness] = [:]
        for service in state.services {
            guard case .address(.ip(let vip), _, _) = service.service.endpoint else { continue }
            if services[vip] == nil { order.append(vip) }
            services[vip, default: []].append(service.id)
            let ready = ServiceReadiness(service, checked: checked)
            switch (readiness[vip], ready) {
            case (.up?, _), (_, .up): readiness[vip] = .up
            case (.unknown?, _), (_, .unknown): readiness[vip] = .unknown
            default: readiness[vip] = .down
            }
        }
        var recheckAt: ContinuousClock.Instant?
        var decisions: [VIPDecision] = []
        for vip in order {
            let reason: WithdrawReason?
            if inputs.stopping {
                reason = .stopping
            } else if state.maintenance.enabled {
                reason = .maintenance
            } else if !applied {
                reason = .notApplied
            } else if let present = inputs.present, !present.contains(vip) {
                reason = .notPresent
            } else {
                switch readiness[vip] {
                case .up?:
                    if let since = withdrawnByHealth[vip], inputs.now < since + holdDown {
                        reason = .holdDown
                        recheckAt = min(recheckAt ?? since + holdDown, since + holdDown)
                    } else {
                        reason = nil
                    }
                case .unknown?: reason = .healthUnknown
                case .down?, nil: reason = .down
                }
            }
            if reason == .down, announced.contains(vip) { withdrawnByHealth[vip] = inputs.now }
            decisions.append(VIPDecision(vip: vip, services: services[vip] ?? [], withdrawn: reason))
        }
        announced = Set(decisions.filter(\.announce).map(\.vip))
        withdrawnByHealth = withdrawnByHealth.filter { services[$0.key] != nil }
        return (decisions, recheckAt)
    }
}
