/// `settings.vips`, resolved: the daemon adds every service's VIP to `interface` and removes the
/// ones it added when no service uses them any more.
public struct VIPSettings: Sendable, Hashable {
    /// Where the VIPs go (`lo` or a dummy interface); checked to exist at run time, not here, so
    /// a file stays valid on a host where the interface is created later.
    public var interface: String

    public init(interface: String) {
        self.interface = interface
    }
}

/// Linux's rules for an interface name (`dev_valid_name`): 1 to 15 bytes, no `/`, no
/// whitespace, not `.` or `..`, and no `:`. One rule for `settings.interface` and
/// `settings.vips.interface`; the first also takes an IPv4 address label such as `eth0:1`
/// (what `getifaddrs` names an alias), the second needs a real interface.
public enum InterfaceName {
    /// Why `name` cannot name an interface, or `nil` if it can.
    ///
    /// - Parameter label: accept an address label (`eth0:1`) too.
    public static func problem(_ name: String, label: Bool = false) -> String? {
        let valid = !name.isEmpty && name.utf8.count <= 15 && name != "." && name != ".."
            && !name.contains("/") && !name.contains(where: \.isWhitespace) && (label || !name.contains(":"))
        guard !valid else { return nil }
        return "'\(name)' is not a valid interface name (1 to 15 characters, no '/'\(label ? "" : ", ':'") or spaces)"
    }
}
