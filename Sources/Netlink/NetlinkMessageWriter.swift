internal import CNetlink

/// Builds one or more netlink messages into a single byte buffer, ready for one `send`.
///
/// Several messages written back to back form a batch: the kernel processes each in turn and
/// answers each separately. Attributes are padded to 4 bytes; nests are opened with
/// ``beginNest(_:)`` and closed with ``endNest(_:)``, which patches the nest's length.
/// `NLA_F_NESTED` is not set, like the IPVS tools do, because the IPVS family does not need it.
public struct NetlinkMessageWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []
    private var messageStart: Int?

    public init(reservingCapacity capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// The number of bytes written so far.
    public var count: Int { bytes.count }

    /// Starts a message; its length is filled in by ``endMessage()``.
    public mutating func beginMessage(type: UInt16, flags: NetlinkMessageFlags, sequence: UInt32, portID: UInt32) {
        precondition(messageStart == nil, "beginMessage while another message is open")
        messageStart = bytes.count
        NetlinkMessageHeader(length: 0, type: type, flags: flags, sequence: sequence, portID: portID).append(to: &bytes)
    }

    /// Finishes the open message: writes its length and pads the buffer to 4 bytes.
    public mutating func endMessage() {
        guard let start = messageStart else { preconditionFailure("endMessage without beginMessage") }
        bytes.storeNative(UInt32(bytes.count - start), at: start)
        pad()
        messageStart = nil
    }

    /// Appends `struct genlmsghdr` (command, version, 2 reserved bytes).
    public mutating func appendGenericHeader(command: UInt8, version: UInt8) {
        bytes.append(command)
        bytes.append(version)
        bytes.append(0)
        bytes.append(0)
    }

    /// Appends raw, already-encoded bytes (a whole pre-built message, for instance).
    public mutating func appendRaw(_ raw: some Collection<UInt8>) {
        bytes.append(contentsOf: raw)
    }

    private mutating func pad() {
        let aligned = Int(CNetlink_NLA_ALIGN(UInt32(bytes.count)))
        if aligned > bytes.count { bytes.append(contentsOf: repeatElement(0, count: aligned - bytes.count)) }
    }

    private mutating func attributeHeader(_ type: UInt16, payloadLength: Int) {
        precondition(payloadLength + 4 <= Int(UInt16.max), "netlink attribute too large")
        bytes.appendNative(UInt16(payloadLength + 4))
        bytes.appendNative(type)
    }

    /// An attribute with raw payload bytes.
    public mutating func put(_ type: UInt16, bytes payload: some Collection<UInt8>) {
        attributeHeader(type, payloadLength: payload.count)
        bytes.append(contentsOf: payload)
        pad()
    }

    /// A `u8` attribute.
    public mutating func put(_ type: UInt16, u8 value: UInt8) {
        attributeHeader(type, payloadLength: 1)
        bytes.append(value)
        pad()
    }

    /// A host-order `u16` attribute.
    public mutating func put(_ type: UInt16, u16 value: UInt16) {
        attributeHeader(type, payloadLength: 2)
        bytes.appendNative(value)
        pad()
    }

    /// A host-order `u32` attribute.
    public mutating func put(_ type: UInt16, u32 value: UInt32) {
        attributeHeader(type, payloadLength: 4)
        bytes.appendNative(value)
    }

    /// A host-order `u64` attribute.
    public mutating func put(_ type: UInt16, u64 value: UInt64) {
        attributeHeader(type, payloadLength: 8)
        bytes.appendNative(value)
    }

    /// A big-endian `u16` attribute (IPVS ports).
    public mutating func put(_ type: UInt16, be16 value: UInt16) {
        put(type, u16: value.bigEndian)
    }

    /// A big-endian `u32` attribute (IPv4 netmasks).
    public mutating func put(_ type: UInt16, be32 value: UInt32) {
        put(type, u32: value.bigEndian)
    }

    /// A NUL-terminated string attribute.
    public mutating func put(_ type: UInt16, string: String) {
        let utf8 = string.utf8
        attributeHeader(type, payloadLength: utf8.count + 1)
        bytes.append(contentsOf: utf8)
        bytes.append(0)
        pad()
    }

    /// Where an open nest starts; pass it back to ``endNest(_:)``.
    public struct Nest: Sendable {
        fileprivate let offset: Int
    }

    /// Opens a nested attribute; everything put until ``endNest(_:)`` goes inside it.
    public mutating func beginNest(_ type: UInt16) -> Nest {
        let nest = Nest(offset: bytes.count)
        attributeHeader(type, payloadLength: 0)
        return nest
    }

    /// Closes a nest, writing its final length.
    public mutating func endNest(_ nest: Nest) {
        let length = bytes.count - nest.offset
        precondition(length <= Int(UInt16.max), "netlink nest too large")
        bytes.storeNative(UInt16(length), at: nest.offset)
    }
}
