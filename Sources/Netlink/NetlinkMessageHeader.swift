/// `struct nlmsghdr`: the 16-byte header in front of every netlink message.
///
/// ```
///  0               4       6       8              12             16
///  +---------------+-------+-------+---------------+---------------+
///  | length (u32)  | type  | flags | sequence (u32)| port id (u32) |
///  +---------------+-------+-------+---------------+---------------+
/// ```
/// All fields are in host byte order. `length` covers the header and the payload, not the
/// padding to the next 4-byte boundary.
public struct NetlinkMessageHeader: Sendable, Hashable, CustomStringConvertible {
    /// The size of the header on the wire.
    public static let size = 16

    /// Header plus payload, in bytes.
    public var length: UInt32
    /// The message type: a control type (``NetlinkMessageType``) or a family id.
    public var type: UInt16
    /// `NLM_F_*` flags.
    public var flags: NetlinkMessageFlags
    /// Chosen by the sender; the kernel copies it into every reply so replies can be matched.
    public var sequence: UInt32
    /// The sender's port id (0 for the kernel); replies carry the requester's port id.
    public var portID: UInt32

    public init(length: UInt32, type: UInt16, flags: NetlinkMessageFlags, sequence: UInt32, portID: UInt32) {
        self.length = length
        self.type = type
        self.flags = flags
        self.sequence = sequence
        self.portID = portID
    }

    /// Reads a header at `offset` (relative to `bytes.startIndex`); the caller checks that
    /// 16 bytes are available.
    init(unchecked bytes: ArraySlice<UInt8>, at offset: Int) {
        length = bytes.loadNative(at: offset, as: UInt32.self)
        type = bytes.loadNative(at: offset + 4, as: UInt16.self)
        flags = NetlinkMessageFlags(rawValue: bytes.loadNative(at: offset + 6, as: UInt16.self))
        sequence = bytes.loadNative(at: offset + 8, as: UInt32.self)
        portID = bytes.loadNative(at: offset + 12, as: UInt32.self)
    }

    /// Appends the 16 header bytes.
    package func append(to bytes: inout [UInt8]) {
        bytes.appendNative(length)
        bytes.appendNative(type)
        bytes.appendNative(flags.rawValue)
        bytes.appendNative(sequence)
        bytes.appendNative(portID)
    }

    public var description: String {
        "nlmsghdr(len \(length), type \(type), flags 0x\(String(flags.rawValue, radix: 16)), seq \(sequence), pid \(portID))"
    }
}

/// Netlink control message types, which share the type space with family ids.
public enum NetlinkMessageType {
    /// `NLMSG_NOOP`: to be ignored.
    public static let noop: UInt16 = 1
    /// `NLMSG_ERROR`: an error, or an acknowledgement when the error code is 0.
    public static let error: UInt16 = 2
    /// `NLMSG_DONE`: the end of a multipart dump.
    public static let done: UInt16 = 3
    /// `NLMSG_OVERRUN`: data was lost.
    public static let overrun: UInt16 = 4
}

/// `NLM_F_*` message flags.
public struct NetlinkMessageFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// `NLM_F_REQUEST`: set on every request to the kernel.
    public static let request = NetlinkMessageFlags(rawValue: 0x1)
    /// `NLM_F_MULTI`: part of a multipart reply, ended by `NLMSG_DONE`.
    public static let multi = NetlinkMessageFlags(rawValue: 0x2)
    /// `NLM_F_ACK`: ask for an acknowledgement even on success.
    public static let ack = NetlinkMessageFlags(rawValue: 0x4)
    /// `NLM_F_ECHO`.
    public static let echo = NetlinkMessageFlags(rawValue: 0x8)
    /// `NLM_F_DUMP_INTR`: the dump was interrupted by a change and may be inconsistent.
    public static let dumpInterrupted = NetlinkMessageFlags(rawValue: 0x10)
    /// `NLM_F_ROOT | NLM_F_MATCH`: return every entry.
    public static let dump = NetlinkMessageFlags(rawValue: 0x300)
    /// `NLM_F_EXCL` (on a new-object request, such as rtnetlink's `RTM_NEWADDR`): fail with
    /// `EEXIST` instead of changing an object that is already there. Shares its bit with
    /// `NLM_F_MATCH`, which only means something on a get request.
    public static let exclusive = NetlinkMessageFlags(rawValue: 0x200)
    /// `NLM_F_CREATE` (on a new-object request): create the object when it does not exist.
    public static let create = NetlinkMessageFlags(rawValue: 0x400)
    /// `NLM_F_CAPPED` (on `NLMSG_ERROR`): the failed request's payload is not echoed.
    public static let capped = NetlinkMessageFlags(rawValue: 0x100)
    /// `NLM_F_ACK_TLVS` (on `NLMSG_ERROR`): extended-ACK attributes follow.
    public static let acknowledgementTLVs = NetlinkMessageFlags(rawValue: 0x200)
}
