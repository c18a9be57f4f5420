/// IPv4 or IPv6: of an address, a firewall-mark service, an IPVS service or destination.
///
/// The raw value is the kernel's (`AF_INET`, `AF_INET6`), what IPVS attributes carry; the
/// description is the file format's word.
public enum AddressFamily: UInt16, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `AF_INET`.
    case ipv4 = 2
    /// `AF_INET6`.
    case ipv6 = 10

    /// The number of address bits: 32 or 128 (the largest persistence prefix length).
    public var bitWidth: Int { self == .ipv4 ? 32 : 128 }

    /// `ipv4` or `ipv6`, as the desired-state file and the REST API spell it.
    public var description: String { self == .ipv4 ? "ipv4" : "ipv6" }
}
