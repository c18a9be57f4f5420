/// An IPv4 or IPv6 address as a value: 4 or 16 bytes, nothing else (no zone, no port, no host
/// name), parsed strictly and printed canonically, so two spellings of one address compare equal.
///
/// One type for the whole project: the desired-state file, the REST API, health checks and
/// IPVS requests all carry this value, so nothing converts between address types. It holds the
/// address as numbers, not an array: it is compared and hashed for every backend on every
/// reconcile pass, and must not allocate.
///
/// The kernel reports addresses as 16 bytes (`union nf_inet_addr`) with the family in a
/// separate attribute; this type carries the family with the bits, so an IPv4 address read back
/// from a dump compares equal to the one that was written. Host names are never accepted: a file
/// must mean the same thing on every apply, and DNS answers change.
public struct IPAddress: Sendable, Hashable {
    /// IPv4 or IPv6.
    public let family: AddressFamily
    // The address as a 128-bit big-endian number: `high` holds bytes 0-7, `low` bytes 8-15.
    // IPv4 addresses live in the low 32 bits of `low`.
    let high: UInt64
    let low: UInt64

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
}

extension IPAddress: Comparable {
    /// Orders IPv4 before IPv6, then numerically: a stable order for listings and diffs.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.family != rhs.family { return lhs.family == .ipv4 }
        return (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}
