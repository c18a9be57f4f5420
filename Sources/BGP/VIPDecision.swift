public import Addresses

/// What the announcer decided about one VIP.
public struct VIPDecision: Sendable, Hashable {
    public var vip: IPAddress
    /// The services on it, by id, in the file's order.
    public var services: [String]
    /// `nil`: announce it; otherwise why not.
    public var withdrawn: WithdrawReason?

    public init(vip: IPAddress, services: [String], withdrawn: WithdrawReason?) {
        self.vip = vip
        self.services = services
        self.withdrawn = withdrawn
    }

    public var announce: Bool { withdrawn == nil }
}
