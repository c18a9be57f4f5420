/// The IP protocol of an address/port virtual service.
///
/// The raw value is the kernel's protocol number (`IPVS_SVC_ATTR_PROTOCOL`, host-order u16), not
/// a closed enum: a table written by another tool with an unusual protocol still reads back. The
/// desired-state file names only ``allCases``.
public struct TransportProtocol: RawRepresentable, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// `IPPROTO_TCP`; also what the kernel stores for every firewall-mark service.
    public static let tcp = TransportProtocol(rawValue: 6)
    /// `IPPROTO_UDP`.
    public static let udp = TransportProtocol(rawValue: 17)
    /// `IPPROTO_SCTP`.
    public static let sctp = TransportProtocol(rawValue: 132)

    /// The protocols the desired-state file and the REST API name, in the order they list them.
    public static let allCases: [TransportProtocol] = [.tcp, .udp, .sctp]

    /// The protocol a file word names (`tcp`, `udp`, `sctp`; lower case), or nil.
    public init?(name: String) {
        guard let named = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = named
    }

    /// `tcp`, `udp` or `sctp`, as the file spells it; nil for a protocol the file cannot name.
    public var name: String? {
        switch self {
        case .tcp: "tcp"
        case .udp: "udp"
        case .sctp: "sctp"
        default: nil
        }
    }

    /// The file's word, or `protocol 47` for another protocol.
    public var description: String { name ?? "protocol \(rawValue)" }
}
