// Which kind of address a value is: the questions validation and the kernel client ask.

extension IPAddress {
    /// True for `0.0.0.0` and `::`.
    public var isUnspecified: Bool { high == 0 && low == 0 }

    /// True for addresses a packet can be sent to one host at: not unspecified, not multicast,
    /// not IPv4 broadcast. What the desired-state file accepts as a VIP or a backend.
    public var isUnicast: Bool {
        switch family {
        case .ipv4:
            let value = UInt32(truncatingIfNeeded: low)
            return value != 0 && value >> 24 < 224  // 224.0.0.0 and above: multicast, reserved, broadcast
        case .ipv6:
            return !isUnspecified && high >> 56 != 0xFF  // ff00::/8 multicast
        }
    }

    /// Whether the kernel accepts this address as a real server: unicast, not link-local,
    /// not the unspecified address (the kernel answers EINVAL otherwise).
    public var isUnicastForIPVS: Bool {
        switch family {
        case .ipv4:
            let value = UInt32(truncatingIfNeeded: low)
            if value == 0 || value == 0xFFFF_FFFF { return false }
            return value >> 28 != 0xE  // 224.0.0.0/4 is multicast
        case .ipv6:
            if isUnspecified { return false }
            if high >> 56 == 0xFF { return false }  // ff00::/8 multicast
            if high >> 54 == 0x3FA { return false }  // fe80::/10 link-local
            return true
        }
    }
}
