/// The rtnetlink numbers this module speaks (`<linux/rtnetlink.h>`, `<linux/if_addr.h>`,
/// `<linux/if_link.h>`): kernel ABI, fixed since Linux 2.2, so spelt out here rather than
/// imported through the C shim that only the generic netlink transport may use.
public enum RouteMessageType {
    /// `RTM_NEWLINK`: the answer to `RTM_GETLINK`.
    public static let newLink: UInt16 = 16
    /// `RTM_GETLINK`: one interface, looked up by name.
    public static let getLink: UInt16 = 18
    /// `RTM_NEWADDR`: add an address (and the form of each address in a dump).
    public static let newAddress: UInt16 = 20
    /// `RTM_DELADDR`: remove an address.
    public static let deleteAddress: UInt16 = 21
    /// `RTM_GETADDR`: dump every address.
    public static let getAddress: UInt16 = 22
}

/// `IFA_*` attributes of an address message.
enum AddressAttribute {
    /// `IFA_ADDRESS`: the prefix address (the peer on point-to-point links; IPv6 puts the
    /// address itself here).
    static let address: UInt16 = 1
    /// `IFA_LOCAL`: the local address (IPv4).
    static let local: UInt16 = 2
    /// `IFA_FLAGS`: all 32 flag bits (the header's byte holds only the low 8).
    static let flags: UInt16 = 8
}

/// `IFLA_IFNAME`: an interface's name in a link message.
enum LinkAttribute {
    static let name: UInt16 = 3
}

/// `IFA_F_*` address flags.
public enum AddressFlag {
    /// `IFA_F_NODAD`: an IPv6 address usable at once, without duplicate address detection
    /// (a VIP would otherwise stay "tentative", unusable, for a second or more).
    public static let noDAD: UInt32 = 0x02
    /// `IFA_F_PERMANENT`: set by the kernel on every address added by hand (not by SLAAC).
    public static let permanent: UInt32 = 0x80
}

/// The address families of `ifa_family`.
enum SocketFamily {
    static let unspecified: UInt8 = 0
    static let inet: UInt8 = 2
    static let inet6: UInt8 = 10
}
