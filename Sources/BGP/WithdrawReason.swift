/// Why a VIP is not announced: the answer `/status`, `GET /service/{id}` and `/metrics` give.
public enum WithdrawReason: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The daemon stops: every route is withdrawn before it exits.
    case stopping
    /// The operator put the host in maintenance (`POST /maintenance`).
    case maintenance
    /// No pass has applied the config to the kernel yet: IPVS may not hold the service.
    case notApplied = "not-applied-yet"
    /// The VIP is not on the host's interface (the VIP keeper has not added it).
    case notPresent = "vip-not-present"
    /// The checks have not decided about enough backends yet (after a start or a change).
    case healthUnknown = "health-unknown"
    /// No service on the VIP has its quorum of healthy backends.
    case down = "services-down"
    /// Health withdrew it recently: it stays withdrawn for `hold-down`.
    case holdDown = "hold-down"

    public var description: String { rawValue }
}
