public import Addresses

/// One address on one interface, as rtnetlink knows it: the interface's index, the address,
/// its prefix length and its `IFA_F_*` flags.
public struct InterfaceAddress: Sendable, Hashable, CustomStringConvertible {
    public var interfaceIndex: UInt32
    public var address: IPAddress
    public var prefixLength: UInt8
    /// `IFA_F_*` bits (``AddressFlag``).
    public var flags: UInt32

    public init(interfaceIndex: UInt32, address: IPAddress, prefixLength: UInt8, flags: UInt32 = 0) {
        self.interfaceIndex = interfaceIndex
        self.address = address
        self.prefixLength = prefixLength
        self.flags = flags
    }

    /// A VIP as it is added: a host address (/32 or /128), IPv6 without duplicate address
    /// detection so it answers at once.
    public static func host(_ address: IPAddress, on interfaceIndex: UInt32) -> InterfaceAddress {
        let ipv6 = address.family == .ipv6
        return InterfaceAddress(
            interfaceIndex: interfaceIndex,
            address: address,
            prefixLength: ipv6 ? 128 : 32,
            flags: ipv6 ? AddressFlag.noDAD : 0
        )
    }

    /// `ip`'s spelling: `192.0.2.10/32`.
    public var description: String { "\(address)/\(prefixLength)" }
}
