/// Traffic counters and rate estimates of a service or destination, as the kernel's
/// `IPVS_*_ATTR_STATS64` nest reports them (read-only: they are observations, never
/// configuration).
public struct IPVSStats: Sendable, Hashable {
    /// Connections scheduled.
    public var connections: UInt64 = 0
    /// Packets in (client to server) and out.
    public var inPackets: UInt64 = 0
    public var outPackets: UInt64 = 0
    /// Bytes in and out.
    public var inBytes: UInt64 = 0
    public var outBytes: UInt64 = 0
    /// Estimated rates: connections, packets and bytes per second.
    public var connectionsPerSecond: UInt64 = 0
    public var inPacketsPerSecond: UInt64 = 0
    public var outPacketsPerSecond: UInt64 = 0
    public var inBytesPerSecond: UInt64 = 0
    public var outBytesPerSecond: UInt64 = 0

    public init() {}

    /// All counters zero, as after creation or `ZERO`.
    public static let zero = IPVSStats()
}
