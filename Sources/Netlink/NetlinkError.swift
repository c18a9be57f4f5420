/// Why a netlink exchange failed, below the IPVS layer: a system call, the kernel refusing a
/// request, or bytes that do not form a valid reply.
///
/// ``IPVSError`` translates these into operator language; this type keeps the raw facts (the
/// errno, the header of the request that failed) for logs and for other netlink families.
public enum NetlinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A system call on the netlink socket failed; `errno` is the C error number.
    case systemCall(name: String, errno: Int32)
    /// The kernel's queue for this socket overflowed (`ENOBUFS`) and replies were dropped: the
    /// outcome of the requests in flight is unknown. Re-read the state and retry.
    case receiveBufferOverrun
    /// No reply arrived within the socket's receive timeout.
    case timedOut
    /// A received datagram was larger than the receive buffer and was cut (`MSG_TRUNC`).
    case truncated(size: Int, capacity: Int)
    /// The kernel answered `request` with `NLMSG_ERROR` carrying `errno`; `message` is the
    /// kernel's extended-ACK text when it gave one.
    case kernel(errno: Int32, request: NetlinkMessageHeader, message: String?)
    /// The reply is not well-formed netlink.
    case malformed(NetlinkDecodingError)
    /// A reply did not belong to any request in flight on this socket (wrong port id or
    /// sequence number).
    case unexpectedReply(sequence: UInt32, portID: UInt32, expectedPortID: UInt32)
    /// The generic netlink controller does not know `name`: the kernel feature is not loaded.
    case familyNotFound(name: String)
    /// The socket was closed before the call.
    case closed

    public var description: String {
        switch self {
        case .systemCall(let name, let errno):
            return "\(name) on the netlink socket failed: \(ErrnoName.describe(errno))"
        case .receiveBufferOverrun:
            return "the kernel dropped netlink replies because the receive buffer was full (ENOBUFS); "
                + "the outcome of the requests in flight is unknown: re-read the state and retry"
        case .timedOut:
            return "the kernel did not answer the netlink request in time"
        case .truncated(let size, let capacity):
            return "a netlink reply of \(size) bytes did not fit the \(capacity)-byte receive buffer"
        case .kernel(let errno, let request, let message):
            var text = "the kernel refused netlink request (type \(request.type), sequence \(request.sequence)): "
                + ErrnoName.describe(errno)
            if let message { text += ": \(message)" }
            return text
        case .malformed(let error):
            return "malformed netlink reply: \(error)"
        case .unexpectedReply(let sequence, let portID, let expected):
            return "a netlink reply for sequence \(sequence), port \(portID) does not match any request "
                + "in flight on port \(expected)"
        case .familyNotFound(let name):
            return "the kernel has no generic netlink family \"\(name)\""
        case .closed:
            return "the netlink socket is closed"
        }
    }
}

/// Why a byte sequence could not be decoded: what was wrong and where (byte offset within the
/// datagram or attribute block being read). Every decoding failure is one of these, never a trap.
public struct NetlinkDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the bytes.
    public var reason: String
    /// Where the problem starts, in bytes from the start of the buffer being decoded.
    public var offset: Int

    public init(_ reason: String, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String { "\(reason) (at byte \(offset))" }
}
