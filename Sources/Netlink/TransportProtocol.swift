/// The IP protocol of an address/port virtual service (`IPVS_SVC_ATTR_PROTOCOL`, host-order
/// u16). A raw value rather than a closed enum, so a table written by another tool with an
/// unusual protocol still reads back.
public struct TransportProtocol: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// `IPPROTO_TCP`; also what the kernel stores for every firewall-mark service.
    public static let tcp = TransportProtocol(rawValue: 6)
    /// `IPPROTO_UDP`.
    public static let udp = TransportProtocol(rawValue: 17)
    /// `IPPROTO_SCTP`.
    public static let sctp = TransportProtocol(rawValue: 132)

    public var description: String {
        switch self {
        case .tcp: "TCP"
        case .udp: "UDP"
        case .sctp: "SCTP"
        default: "protocol \(rawValue)"
        }
    }
}
