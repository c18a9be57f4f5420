/// Host maintenance: the operator takes this host out of the tier (`POST /maintenance`). Every
/// consumer reads it from the published ``LoadBalancerState``: the BGP announcer withdraws every
/// VIP while it is on; IPVS keeps serving the flows already there (the kernel table is unchanged).
public struct Maintenance: Sendable, Hashable, Codable {
    public var enabled: Bool
    /// Why, as the operator wrote it; shown in `/status`.
    public var reason: String?
    /// When it was last switched on or off; `nil` when never.
    public var since: WallTime?

    public init(enabled: Bool = false, reason: String? = nil, since: WallTime? = nil) {
        self.enabled = enabled
        self.reason = reason
        self.since = since
    }

    /// The longest reason taken: a sentence for the status page, not a document.
    public static let reasonLimit = 500
}
