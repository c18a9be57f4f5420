// Host-order integer loads and stores for netlink, which (unlike the rest of networking) uses
// the host's byte order for everything except the fields IPVS marks big-endian (ports, IPv4
// netmasks). Callers check bounds before loading; these helpers never read past the slice.

extension ArraySlice where Element == UInt8 {
    /// The integer at `offset` bytes from `startIndex`, in host byte order.
    @inline(__always)
    func loadNative<T: FixedWidthInteger>(at offset: Int, as type: T.Type) -> T {
        precondition(offset >= 0 && offset + MemoryLayout<T>.size <= count, "netlink load out of bounds")
        return withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` in host byte order.
    @inline(__always)
    mutating func appendNative<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value) { append(contentsOf: $0) }
    }

    /// Overwrites the bytes at `offset` with `value` in host byte order.
    @inline(__always)
    mutating func storeNative<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        precondition(offset >= 0 && offset + MemoryLayout<T>.size <= count, "netlink store out of bounds")
        withUnsafeMutableBytes { $0.storeBytes(of: value, toByteOffset: offset, as: T.self) }
    }
}
