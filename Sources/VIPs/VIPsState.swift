public import Addresses

/// What the VIP keeper did last, published after every sync (``VIPKeeper/state``) for the REST
/// API, `/metrics` and the BGP announcer, which announces only VIPs that are ``present``.
public struct VIPsState: Sendable, Hashable {
    /// `settings.vips.interface`; `nil` when `settings.vips` is not set (addresses left alone).
    public var interface: String?
    /// Every VIP the services use, in address order.
    public var vips: [VIPStatus]
    /// The desired VIPs that are on the interface as of the last sync: what may be announced.
    public var present: Set<IPAddress>
    /// Owned addresses no service uses that could not be removed (they are retried).
    public var stale: [IPAddress]
    /// Why the last sync failed as a whole (no such interface, permission, the state file), or
    /// failed in part (one address refused); `nil` when it fully succeeded.
    public var error: String?
    /// Syncs run, and when the last one ran (seconds since the epoch).
    public var syncs: Int
    public var lastSyncAt: Double?
    /// Totals since start: addresses added, removed, and changes or syncs that failed.
    public var added: Int
    public var removed: Int
    public var failures: Int

    public init(interface: String? = nil, vips: [VIPStatus] = [], present: Set<IPAddress> = [], stale: [IPAddress] = [], error: String? = nil, syncs: Int = 0, lastSyncAt: Double? = nil, added: Int = 0, removed: Int = 0, failures: Int = 0) {
        self.interface = interface
        self.vips = vips
        self.present = present
        self.stale = stale
        self.error = error
        self.syncs = syncs
        self.lastSyncAt = lastSyncAt
        self.added = added
        self.removed = removed
        self.failures = failures
    }

    /// `settings.vips` is set: the daemon keeps the VIPs.
    public var isConfigured: Bool { interface != nil }

    /// The VIP at `address`, if a service uses it.
    public func vip(_ address: IPAddress) -> VIPStatus? { vips.first { $0.address == address } }
}

/// One VIP: the services on it, whether it is on the interface, and whose it is.
public struct VIPStatus: Sendable, Hashable {
    public var address: IPAddress
    /// The ids of the services that use it, in the file's order.
    public var services: [String]
    /// On the interface as of the last sync.
    public var present: Bool
    /// Added by this daemon (removed when no service uses it any more). Present and not owned
    /// means adopted: it was there before and is never removed.
    public var owned: Bool
    /// Why it could not be added, if it could not.
    public var error: String?

    public init(address: IPAddress, services: [String], present: Bool, owned: Bool, error: String? = nil) {
        self.address = address
        self.services = services
        self.present = present
        self.owned = owned
        self.error = error
    }

    /// There before the daemon: used, never removed.
    public var adopted: Bool { present && !owned }

    /// `owned`, `adopted` or `missing`.
    public var ownership: String { owned && present ? "owned" : present ? "adopted" : "missing" }
}
