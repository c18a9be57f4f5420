/// How a shared overlay store is doing, for `GET /status` and `GET /metrics`: whether it is
/// reached, how far this host has read, how far behind its watch is. The local file has none.
public struct OverlayStoreStatus: Sendable, Hashable {
    /// `etcd`.
    public var kind: String
    public var endpoints: [String]
    public var prefix: String
    /// The last call or watch reached a member.
    public var connected: Bool
    /// The member the watch follows.
    public var endpoint: String?
    /// The store's revision the overlay in force is exact at.
    public var revision: Int64
    /// The revision of the last change to the overlay the cluster reported (its head key).
    public var latestRevision: Int64
    /// Changes the cluster holds that this host has not seen through its watch yet, and for how
    /// long it has been behind (0 when caught up).
    public var lagRevisions: Int64
    public var lagSeconds: Double
    /// What the store last failed with; `nil` once it answers again.
    public var lastError: String?
    /// Keys under the prefix that hold no override this release can read, with why.
    public var unreadable: [String]
    /// The overlay was loaded from the local copy and the store has not been read since.
    public var servingCopy: Bool
    public var commits = 0
    public var conflicts = 0
    public var unavailable = 0
    public var fullReads = 0
    public var watchRestarts = 0

    public init(kind: String, endpoints: [String], prefix: String) {
        self.kind = kind
        self.endpoints = endpoints
        self.prefix = prefix
        connected = false
        revision = 0
        latestRevision = 0
        lagRevisions = 0
        lagSeconds = 0
        unreadable = []
        servingCopy = false
    }
}
