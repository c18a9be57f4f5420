// Host-order integer loads and stores for netlink, which (unlike the rest of networking) uses
// the host's byte order for everything except the fields IPVS marks big-endian (ports, IPv4
// netmasks). Callers check bounds before loading; these helpers never read past the slice.

extension ArraySlice where Element == UInt8 {
    /// The integer at `offset` bytes from `startIndex`, in host byte order.
    ///
    /// Composed byte by byte as little-endian and converted to host order, which equals an
    /// unaligned native load on every host and stays cheap in debug builds (no closure).
    @inline(__always)
    package func loadNative<T: FixedWidthInteger & UnsignedInteger>(at offset: Int, as type: T.Type) -> T {
        let size = MemoryLayout<T>.size
        precondition(offset >= 0 && offset + size <= count, "netlink load out of bounds")
        var value: UInt64 = 0
        var position = startIndex + offset + size
        while position > startIndex + offset {
            position -= 1
            value = value << 8 | UInt64(self[position])
        }
        return T(littleEndian: T(truncatingIfNeeded: value))
    }

    // Concrete overloads: the common loads avoid generic dispatch in unoptimised builds, which
    // matters when a debug build reads a whole IPVS table.

    /// The `UInt16` at `offset`, in host byte order.
    @inline(__always)
    package func loadNative(at offset: Int, as type: UInt16.Type) -> UInt16 {
        precondition(offset >= 0 && offset + 2 <= count, "netlink load out of bounds")
        let i = startIndex + offset
        return UInt16(littleEndian: UInt16(self[i]) | UInt16(self[i + 1]) << 8)
    }

    /// The `UInt32` at `offset`, in host byte order.
    @inline(__always)
    package func loadNative(at offset: Int, as type: UInt32.Type) -> UInt32 {
        precondition(offset >= 0 && offset + 4 <= count, "netlink load out of bounds")
        let i = startIndex + offset
        let low = UInt32(self[i]) | UInt32(self[i + 1]) << 8
        return UInt32(littleEndian: low | UInt32(self[i + 2]) << 16 | UInt32(self[i + 3]) << 24)
    }

    /// A signed integer at `offset`, in host byte order.
    @inline(__always)
    package func loadNative(at offset: Int, as type: Int32.Type) -> Int32 {
        Int32(bitPattern: loadNative(at: offset, as: UInt32.self))
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` in host byte order.
    @inline(__always)
    package mutating func appendNative<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value) { append(contentsOf: $0) }
    }

    /// Overwrites the bytes at `offset` with `value` in host byte order.
    @inline(__always)
    package mutating func storeNative<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        precondition(offset >= 0 && offset + MemoryLayout<T>.size <= count, "netlink store out of bounds")
        withUnsafeMutableBytes { $0.storeBytes(of: value, toByteOffset: offset, as: T.self) }
    }
}
