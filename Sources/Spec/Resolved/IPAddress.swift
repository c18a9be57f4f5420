import IPText

/// An IPv4 or IPv6 address as a value: 4 or 16 bytes, parsed strictly and printed canonically
/// (RFC 5952 for IPv6), so two spellings of one address compare equal.
///
/// Host names are not accepted: a desired-state file must mean the same thing on every apply,
/// and DNS answers change.
public struct IPAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The address bytes in network order: 4 for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    public var family: AddressFamily { bytes.count == 4 ? .ipv4 : .ipv6 }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (with `::` and an embedded IPv4 tail), by
    /// `inet_pton`'s rules (see ``IPText``). Zone ids (`%eth0`) and brackets are refused.
    public init?(_ text: String) {
        switch IPText.parse(text) {
        case .ipv4(let value)?:
            bytes = [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        case .ipv6(let high, let low)?:
            var bytes = [UInt8](repeating: 0, count: 16)
            for index in 0..<8 {
                bytes[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * index))
                bytes[8 + index] = UInt8(truncatingIfNeeded: low >> (56 - 8 * index))
            }
            self.bytes = bytes
        case nil:
            return nil
        }
    }

    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        // RFC 5952: compress the longest run (of at least two) of zero groups, the first if tied.
        var best = (start: -1, length: 0)
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8, groups[end] == 0 { end += 1 }
                if end - index > best.length, end - index >= 2 { best = (index, end - index) }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ slice: ArraySlice<UInt16>) -> String { slice.map { String($0, radix: 16) }.joined(separator: ":") }
        if best.start < 0 { return hex(groups[...]) }
        return hex(groups[..<best.start]) + "::" + hex(groups[(best.start + best.length)...])
    }

    /// True for addresses a packet can be sent to one host at: not unspecified, not multicast, not
    /// IPv4 broadcast.
    public var isUnicast: Bool {
        if bytes.allSatisfy({ $0 == 0 }) { return false }
        if family == .ipv4 { return bytes[0] < 224 }
        return bytes[0] != 0xFF
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        lhs.bytes.count != rhs.bytes.count ? lhs.bytes.count < rhs.bytes.count : lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}

/// IPv4 or IPv6.
public enum AddressFamily: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case ipv4, ipv6
    public var description: String { rawValue }
}
