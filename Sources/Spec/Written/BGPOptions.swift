public import YAMLBridge

/// `settings.bgp:`, announcing the VIPs through a local BIRD 2, as written.
public struct BGPOptions: Sendable, Hashable, Encodable, NodeReadable {
    /// BIRD's control socket (default `/run/bird/bird.ctl`).
    public var birdSocket: String?
    /// The file of IPv4 routes (default `/etc/bird/gorb/vips.conf`) the daemon writes and the operator's `bird.conf` includes in an
    /// `ipv4` static protocol.
    public var routesFile: String?
    /// The same for IPv6 (a static protocol has one channel, and BIRD refuses an IPv6 route in an
    /// IPv4 one): default, `routes-file` with `-ipv6` before its `.conf`.
    public var routesFileIPv6: String?
    /// On stop: how long to wait after the withdrawal before exiting (default 5s).
    public var withdrawGrace: DurationValue?
    /// After health withdrew a VIP: how long it stays withdrawn at least (default 10s).
    public var holdDown: DurationValue?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case birdSocket = "bird-socket"
        case routesFile = "routes-file"
        case routesFileIPv6 = "routes-file-ipv6"
        case withdrawGrace = "withdraw-grace"
        case holdDown = "hold-down"
    }
    static let fieldNames = FieldNames(CodingKeys.self)

    public init() {}

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        var reader = try FieldReader<CodingKeys>(node, fields: Self.fieldNames, in: &context)
        birdSocket = reader.read(.birdSocket, in: &context)
        routesFile = reader.read(.routesFile, in: &context)
        routesFileIPv6 = reader.read(.routesFileIPv6, in: &context)
        withdrawGrace = reader.read(.withdrawGrace, in: &context)
        holdDown = reader.read(.holdDown, in: &context)
        source = reader.source
    }
}
