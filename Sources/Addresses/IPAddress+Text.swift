// The text form of an address: parsed by `inet_pton`'s rules, printed as `inet_ntop` prints it.

extension IPAddress: LosslessStringConvertible {
    /// Parses dotted-quad IPv4 (`192.0.2.1`) or any RFC 4291 IPv6 text form, including `::`
    /// compression and an embedded IPv4 tail (`::ffff:192.0.2.1`), by `inet_pton`'s rules (see
    /// ``AddressParser``). Zone ids (`%eth0`), brackets, ports, spaces and host names are refused.
    public init?(_ text: String) {
        var text = text
        guard let address = text.withUTF8({ AddressParser.parse($0) }) else { return nil }
        self = address
    }

    /// `192.0.2.1`, or RFC 5952 IPv6 (lower case, longest run of two or more zero groups as `::`,
    /// leftmost on ties, IPv4-mapped and IPv4-compatible addresses with a dotted tail): the same
    /// text `ipvsadm -n` and `inet_ntop` print, so plans, the API and the kernel's own tools agree.
    public var description: String {
        switch family {
        case .ipv4:
            return Self.dottedQuad(UInt32(truncatingIfNeeded: low))
        case .ipv6:
            if high == 0 && (low >> 32 == 0xFFFF || (low >> 32 == 0 && low > 0xFFFF)) {
                let prefix = low >> 32 == 0xFFFF ? "::ffff:" : "::"
                return prefix + Self.dottedQuad(UInt32(truncatingIfNeeded: low))
            }
            var groups: [UInt16] = []
            for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(high >> UInt64(shift) & 0xFFFF)) }
            for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(low >> UInt64(shift) & 0xFFFF)) }
            let gap = Self.longestZeroRun(groups)
            func hex(_ range: Range<Int>) -> String {
                groups[range].map { String($0, radix: 16) }.joined(separator: ":")
            }
            guard let gap else { return hex(0..<8) }
            return hex(0..<gap.lowerBound) + "::" + hex(gap.upperBound..<8)
        }
    }

    private static func dottedQuad(_ value: UInt32) -> String {
        "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
    }

    /// The groups RFC 5952 writes as `::`: the longest run of two or more zero groups, the
    /// leftmost if tied; nil if there is none.
    private static func longestZeroRun(_ groups: [UInt16]) -> Range<Int>? {
        var best: Range<Int>?
        var index = 0
        while index < groups.count {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < groups.count && groups[end] == 0 { end += 1 }
            if end - index >= 2, end - index > best?.count ?? 0 { best = index..<end }
            index = end
        }
        return best
    }
}
