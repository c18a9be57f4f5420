/// IP address text by `inet_pton`'s rules, the only spellings the project accepts anywhere (the
/// desired-state file, the REST API, `-l` listen addresses, `Host` headers).
///
/// The rules are `inet_pton`'s: dotted-quad IPv4 with no leading zeros; RFC 4291 IPv6 with one
/// `::` at most and an optional dotted-quad tail. No zone ids (`%eth0`), brackets, ports, spaces
/// or host names. The parser walks the UTF-8 bytes once without allocating: a file of 10,000
/// backends parses 10,000 addresses, and every REST API change validates them.
enum AddressParser {
    /// The address `bytes` (UTF-8) spell, or nil.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        if let v4 = parseIPv4(bytes[...]) { return IPAddress(ipv4: v4) }
        return parseIPv6(bytes)
    }

    private static let colon = UInt8(ascii: ":")
    private static let dot = UInt8(ascii: ".")

    /// Four decimal octets, 0 to 255, without leading zeros.
    static func parseIPv4(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> UInt32? {
        var value: UInt32 = 0
        var octets = 0
        var octet: UInt32 = 0
        var digits = 0
        for byte in bytes {
            if byte == dot {
                guard digits > 0, octets < 3 else { return nil }
                value = value << 8 | octet
                octets += 1
                octet = 0
                digits = 0
                continue
            }
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10, digits < 3, digits == 0 || octet != 0 else { return nil }  // "01" looks octal
            octet = octet * 10 + UInt32(digit)
            digits += 1
            guard octet <= 255 else { return nil }
        }
        guard digits > 0, octets == 3 else { return nil }
        return value << 8 | octet
    }

    /// Up to eight groups of one to four hex digits, one `::` at most, an IPv4 tail allowed last.
    static func parseIPv6(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        var value: UInt128 = 0  // every group so far, in order, packed at the bottom
        var groups = 0
        var gapAt: Int?  // how many groups came before the "::"
        var index = 0
        let count = bytes.count
        guard count >= 2 else { return nil }
        if bytes[0] == colon {
            guard bytes[1] == colon else { return nil }  // a lone leading ':'
            gapAt = 0
            index = 2
        }
        while index < count {
            let start = index
            var group: UInt128 = 0
            while index < count, let digit = hexValue(bytes[index]) {
                group = group << 4 | UInt128(digit)
                index += 1
                guard index - start <= 4 else { return nil }
            }
            if index < count, bytes[index] == dot {
                // The IPv4 tail: the rest of the text, worth two groups.
                guard groups <= 6, let v4 = parseIPv4(bytes[start..<count]) else { return nil }
                value = value << 32 | UInt128(v4)
                groups += 2
                break
            }
            guard index > start, groups < 8 else { return nil }
            value = value << 16 | group
            groups += 1
            if index == count { break }
            guard bytes[index] == colon else { return nil }
            index += 1
            if index < count, bytes[index] == colon {
                guard gapAt == nil else { return nil }  // a second '::'
                gapAt = groups
                index += 1
            } else if index == count {
                return nil  // a trailing single ':'
            }
        }
        if let gapAt {
            guard groups <= 7 else { return nil }
            // Open the gap: the groups before it move up over the zero groups it stands for.
            let tailBits = (groups - gapAt) * 16
            let tail = value & ((1 << tailBits) - 1)
            let head = value >> tailBits
            value = head << ((8 - gapAt) * 16) | tail
        } else {
            guard groups == 8 else { return nil }
        }
        return IPAddress(ipv6High: UInt64(truncatingIfNeeded: value >> 64), low: UInt64(truncatingIfNeeded: value))
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
