internal import CNetlink

/// The attributes of one attribute block (a message body after its fixed header, or the
/// payload of a nested attribute), indexed by type.
///
/// ```
///  0       2       4
///  +-------+-------+-------------------+---------+
///  |  len  | type  | payload (len - 4) | padding |  ... next attribute at NLA_ALIGN(len)
///  +-------+-------+-------------------+---------+
/// ```
/// Parsing follows the kernel's lenient rules, which is what the IPVS family uses:
/// - the two high bits of the type (`NLA_F_NESTED`, `NLA_F_NET_BYTEORDER`) are flags, masked
///   off; a nested attribute is recognised by where it appears, never by `NLA_F_NESTED`,
///   because IPVS builds its nests without it;
/// - when a type repeats, the last one wins (as `nla_parse` does);
/// - unknown types are kept but callers simply never ask for them, so newer kernels that add
///   attributes do not break older clients; `PAD` attributes are skipped by the same rule;
/// - fewer than 4 bytes left at the end are padding and are ignored.
public struct NetlinkAttributes: Sendable {
    private var entries: [(type: UInt16, payload: ArraySlice<UInt8>)] = []
    /// For the small types every family uses, the position of the last entry of each type
    /// (+1; 0 = absent), so a lookup is one array read rather than a scan.
    private var index = [UInt8](repeating: 0, count: NetlinkAttributes.indexedTypes)
    private static let indexedTypes = 32

    /// Parses an attribute block.
    ///
    /// - Throws: ``NetlinkDecodingError`` if an attribute's length is below 4 or runs past the
    ///   block.
    public init(_ bytes: ArraySlice<UInt8>) throws(NetlinkDecodingError) {
        var offset = 0
        let total = bytes.count
        let base = bytes.startIndex
        let mask = CNetlink_NLA_TYPE_MASK()
        while total - offset >= 4 {
            let length = Int(bytes.loadNative(at: offset, as: UInt16.self))
            let rawType = bytes.loadNative(at: offset + 2, as: UInt16.self)
            guard length >= 4 else {
                throw NetlinkDecodingError("attribute length \(length) is smaller than its 4-byte header", at: offset)
            }
            guard length <= total - offset else {
                throw NetlinkDecodingError("attribute of type \(rawType & mask) and length \(length) runs past its block (\(total - offset) bytes left)", at: offset)
            }
            let type = rawType & mask
            entries.append((type, bytes[(base + offset + 4)..<(base + offset + length)]))
            if Int(type) < Self.indexedTypes && entries.count < 256 {
                index[Int(type)] = UInt8(entries.count)
            }
            offset += Int(CNetlink_NLA_ALIGN(UInt32(length)))
        }
    }

    /// The payload of the last attribute of `type`, or `nil` if absent.
    public subscript(type: UInt16) -> NetlinkAttributePayload? {
        if Int(type) < Self.indexedTypes && entries.count < 256 {
            let position = Int(index[Int(type)])
            return position == 0 ? nil : NetlinkAttributePayload(bytes: entries[position - 1].payload)
        }
        for entry in entries.reversed() where entry.type == type {
            return NetlinkAttributePayload(bytes: entry.payload)
        }
        return nil
    }

    /// Every attribute in wire order (including repeats and unknown types).
    public var all: [(type: UInt16, payload: NetlinkAttributePayload)] {
        entries.map { ($0.type, NetlinkAttributePayload(bytes: $0.payload)) }
    }
}

/// The payload bytes of one attribute, with typed readers that check the length exactly, so a
/// wrong-sized attribute is an error instead of a silent misread.
public struct NetlinkAttributePayload: Sendable, Hashable {
    /// The payload, without the attribute header and padding.
    public let bytes: ArraySlice<UInt8>

    public init(bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    // Host-order integers of exactly their size; anything else is a decoding error.

    private func exact<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type) throws(NetlinkDecodingError) -> T {
        guard bytes.count == MemoryLayout<T>.size else {
            throw NetlinkDecodingError("expected a \(MemoryLayout<T>.size)-byte attribute, got \(bytes.count) bytes", at: 0)
        }
        return bytes.loadNative(at: 0, as: T.self)
    }

    public func u8() throws(NetlinkDecodingError) -> UInt8 { try exact(UInt8.self) }
    public func u16() throws(NetlinkDecodingError) -> UInt16 {
        guard bytes.count == 2 else { throw NetlinkDecodingError("expected a 2-byte attribute, got \(bytes.count) bytes", at: 0) }
        return bytes.loadNative(at: 0, as: UInt16.self)
    }
    public func u32() throws(NetlinkDecodingError) -> UInt32 {
        guard bytes.count == 4 else { throw NetlinkDecodingError("expected a 4-byte attribute, got \(bytes.count) bytes", at: 0) }
        return bytes.loadNative(at: 0, as: UInt32.self)
    }
    public func u64() throws(NetlinkDecodingError) -> UInt64 {
        guard bytes.count == 8 else { throw NetlinkDecodingError("expected an 8-byte attribute, got \(bytes.count) bytes", at: 0) }
        // Two little-endian halves, recombined and converted back to host order.
        let low = UInt64(UInt32(littleEndian: bytes.loadNative(at: 0, as: UInt32.self)))
        let high = UInt64(UInt32(littleEndian: bytes.loadNative(at: 4, as: UInt32.self)))
        return UInt64(littleEndian: low | high << 32)
    }
    /// A big-endian (network order) 16-bit value, such as an IPVS port.
    public func be16() throws(NetlinkDecodingError) -> UInt16 { UInt16(bigEndian: try exact(UInt16.self)) }
    /// A big-endian (network order) 32-bit value, such as an IPv4 netmask.
    public func be32() throws(NetlinkDecodingError) -> UInt32 { UInt32(bigEndian: try exact(UInt32.self)) }

    /// A NUL-terminated string (the terminator and anything after it are dropped). The bytes
    /// must be valid UTF-8.
    public func string() throws(NetlinkDecodingError) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        guard let text = String(validating: bytes[bytes.startIndex..<end], as: UTF8.self) else {
            throw NetlinkDecodingError("string attribute is not valid UTF-8", at: 0)
        }
        return text
    }

    /// The payload parsed as a nested attribute block.
    public func nested() throws(NetlinkDecodingError) -> NetlinkAttributes {
        try NetlinkAttributes(bytes)
    }
}
