import IPText

/// An IPv4 or IPv6 address as IPVS sees it: 4 or 16 bytes, nothing else (no zone, no port).
///
/// The kernel always reports addresses as 16 bytes (`union nf_inet_addr`) and leaves the family
/// in a separate attribute; this type carries the family with the bytes, so an IPv4 address
/// read back from a dump compares equal to the one that was written. It deliberately avoids
/// Foundation so the model stays a plain value type.
public struct IPAddress: Sendable, Hashable, Comparable, CustomStringConvertible, LosslessStringConvertible {
    /// IPv4 or IPv6.
    public let family: IPAddressFamily
    // The address as a 128-bit big-endian number: `high` holds bytes 0-7, `low` bytes 8-15.
    // IPv4 addresses live in the low 32 bits of `low`.
    private let high: UInt64
    private let low: UInt64

    /// An IPv4 address from its four bytes in network order (`192.0.2.1` is `0xC000_0201`).
    public init(ipv4 value: UInt32) {
        family = .ipv4
        high = 0
        low = UInt64(value)
    }

    /// An IPv6 address from its 128 bits, most significant half first.
    public init(ipv6High high: UInt64, low: UInt64) {
        family = .ipv6
        self.high = high
        self.low = low
    }

    /// An address from raw bytes in network order: 4 bytes for IPv4, 16 for IPv6. Returns `nil`
    /// for any other length.
    public init?(bytes: some Collection<UInt8>) {
        switch bytes.count {
        case 4:
            var value: UInt32 = 0
            for byte in bytes { value = value << 8 | UInt32(byte) }
            self.init(ipv4: value)
        case 16:
            var high: UInt64 = 0
            var low: UInt64 = 0
            for (index, byte) in bytes.enumerated() {
                if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
            }
            self.init(ipv6High: high, low: low)
        default:
            return nil
        }
    }

    /// The IPv4 value in network order, or `nil` for an IPv6 address.
    public var ipv4Value: UInt32? { family == .ipv4 ? UInt32(truncatingIfNeeded: low) : nil }

    /// The address bytes in network order: 4 for IPv4, 16 for IPv6.
    public var bytes: [UInt8] {
        switch family {
        case .ipv4:
            let value = UInt32(truncatingIfNeeded: low)
            return [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        case .ipv6:
            var result = [UInt8]()
            result.reserveCapacity(16)
            for shift in stride(from: 56, through: 0, by: -8) { result.append(UInt8(high >> UInt64(shift) & 0xFF)) }
            for shift in stride(from: 56, through: 0, by: -8) { result.append(UInt8(low >> UInt64(shift) & 0xFF)) }
            return result
        }
    }

    /// True for `0.0.0.0` and `::`.
    public var isUnspecified: Bool { high == 0 && low == 0 }

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

    // MARK: Parsing

    /// Parses dotted-quad IPv4 (`192.0.2.1`) or any RFC 4291 IPv6 text form, including `::`
    /// compression and an embedded IPv4 tail (`::ffff:192.0.2.1`), by `inet_pton`'s rules (see
    /// ``IPText``). Brackets are not accepted.
    public init?(_ text: String) {
        switch IPText.parse(text) {
        case .ipv4(let value)?: self.init(ipv4: value)
        case .ipv6(let high, let low)?: self.init(ipv6High: high, low: low)
        case nil: return nil
        }
    }

    // MARK: Printing

    /// `192.0.2.1`, or RFC 5952 IPv6 (lower case, longest run of two or more zero groups as `::`,
    /// leftmost on ties) — the same text `ipvsadm -n` and `inet_ntop` print.
    public var description: String {
        switch family {
        case .ipv4:
            let value = UInt32(truncatingIfNeeded: low)
            return "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
        case .ipv6:
            var groups: [UInt16] = []
            for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(high >> UInt64(shift) & 0xFFFF)) }
            for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(low >> UInt64(shift) & 0xFFFF)) }
            // inet_ntop prints IPv4-mapped and IPv4-compatible addresses with a dotted tail.
            if high == 0 && (low >> 32 == 0xFFFF || (low >> 32 == 0 && low > 0xFFFF)) {
                let v4 = UInt32(truncatingIfNeeded: low)
                let prefix = low >> 32 == 0xFFFF ? "::ffff:" : "::"
                return prefix + "\(v4 >> 24).\(v4 >> 16 & 0xFF).\(v4 >> 8 & 0xFF).\(v4 & 0xFF)"
            }
            var bestStart = -1
            var bestLength = 0
            var index = 0
            while index < 8 {
                if groups[index] == 0 {
                    var end = index
                    while end < 8 && groups[end] == 0 { end += 1 }
                    if end - index > bestLength {
                        bestStart = index
                        bestLength = end - index
                    }
                    index = end
                } else {
                    index += 1
                }
            }
            if bestLength < 2 { bestStart = -1 }
            func hex(_ range: Range<Int>) -> String {
                groups[range].map { String($0, radix: 16) }.joined(separator: ":")
            }
            if bestStart < 0 { return hex(0..<8) }
            return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
        }
    }

    /// Orders IPv4 before IPv6, then numerically: a stable order for listings and diffs.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.family != rhs.family { return lhs.family == .ipv4 }
        return (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

/// The address family of an IPVS service or destination.
public enum IPAddressFamily: UInt16, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `AF_INET`.
    case ipv4 = 2
    /// `AF_INET6`.
    case ipv6 = 10

    /// The number of address bits: 32 or 128 (the largest persistence prefix length).
    public var bitWidth: Int { self == .ipv4 ? 32 : 128 }

    public var description: String { self == .ipv4 ? "IPv4" : "IPv6" }
}
