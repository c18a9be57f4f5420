public import Addresses
public import Reconciler

/// What the announcer publishes about itself, for `/status`, `/metrics` and `GET /service/{id}`.
public struct BGPStatus: Sendable {
    /// Every VIP with the announcer's decision.
    public var vips: [VIPDecision]
    /// The VIPs BIRD last accepted (its routes files as of its last successful `configure`).
    public var inBIRD: Set<IPAddress>
    /// Whether the last talk with BIRD succeeded; `nil` before the first.
    public var birdReachable: Bool?
    /// What went wrong the last time, as BIRD or the system said it; `nil` after a success.
    public var lastError: String?
    public var lastConfigureAt: WallTime?
    public var configures: Int
    public var failures: Int
    /// True once the stop began: everything withdrawn, waiting for the grace.
    public var stopping: Bool

    public init() {
        vips = []
        inBIRD = []
        birdReachable = nil
        lastError = nil
        lastConfigureAt = nil
        configures = 0
        failures = 0
        stopping = false
    }

    /// One VIP as the API shows it: announced (BIRD has it), or why not.
    public struct VIPView: Sendable, Hashable {
        public var vip: IPAddress
        public var services: [String]
        public var announced: Bool
        /// Why it is not announced: a ``WithdrawReason``, or `bird-unreachable`/`bird-pending`
        /// when it should be but BIRD has not taken it yet.
        public var reason: String?
    }

    public var views: [VIPView] {
        vips.map { decision in
            let inBIRD = self.inBIRD.contains(decision.vip)
            var reason = decision.withdrawn?.rawValue
            if decision.announce, !inBIRD { reason = birdReachable == false ? "bird-unreachable" : "bird-pending" }
            if !decision.announce, inBIRD { reason = (reason ?? "") + " (withdrawal pending in BIRD)" }
            return VIPView(vip: decision.vip, services: decision.services, announced: inBIRD, reason: reason)
        }
    }

    /// The view of `service`'s VIP, `nil` when it has none (fwmark, interface address).
    public func view(ofService id: String) -> VIPView? {
        views.first { $0.services.contains(id) }
    }
}
