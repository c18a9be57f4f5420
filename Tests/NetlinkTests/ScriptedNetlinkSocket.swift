import Synchronization
@testable import Netlink

/// Whether a socket was closed, observable after the socket was handed over (`sending`).
final class CloseObserver: Sendable {
    private let closed = Mutex(false)
    var isClosed: Bool { closed.withLock { $0 } }
    func markClosed() { closed.withLock { $0 = true } }
}

/// A ``NetlinkSocket`` that plays the kernel from a script, for tests without a kernel (the
/// technique of mdlayher's `nltest` and containerization's `MockNetlinkSocket`).
///
/// Every datagram sent is recorded. Each request message in it is passed to `respond`, which
/// returns the reply datagrams; before queueing them, the socket stamps each reply message
/// with the request's sequence number and our port id (unless `stamp` is false), so replies
/// captured from a real kernel under other sequence numbers replay as if fresh.
final class ScriptedNetlinkSocket: NetlinkSocket {
    let portID: UInt32
    var maximumSendSize: Int
    var maximumRepliesInFlight: Int
    var stamp = true
    private(set) var sent: [[UInt8]] = []
    private(set) var isClosed = false
    private var queue: [[UInt8]] = []
    /// Errors to throw from `receive` instead of data (consumed first).
    var receiveErrors: [NetlinkError] = []
    /// Told when the socket closes.
    var closeObserver: CloseObserver?
    let respond: (NetlinkMessage) -> [[UInt8]]

    init(portID: UInt32 = 4242, maximumSendSize: Int = 1 << 20, maximumRepliesInFlight: Int = 4096, respond: @escaping (NetlinkMessage) -> [[UInt8]]) {
        self.portID = portID
        self.maximumSendSize = maximumSendSize
        self.maximumRepliesInFlight = maximumRepliesInFlight
        self.respond = respond
    }

    /// The request messages sent so far, split.
    var sentMessages: [NetlinkMessage] {
        sent.flatMap { (try? NetlinkMessage.split(datagram: $0[...])) ?? [] }
    }

    func send(_ datagram: [UInt8]) throws(NetlinkError) {
        if isClosed { throw .closed }
        sent.append(datagram)
        guard let requests = try? NetlinkMessage.split(datagram: datagram[...]) else { return }
        for request in requests {
            for var reply in respond(request) {
                if stamp { Self.stamp(&reply, sequence: request.header.sequence, portID: portID) }
                queue.append(reply)
            }
        }
    }

    func receive() throws(NetlinkError) -> [UInt8] {
        if isClosed { throw .closed }
        if !receiveErrors.isEmpty { throw receiveErrors.removeFirst() }
        guard !queue.isEmpty else { throw .timedOut }
        return queue.removeFirst()
    }

    func close() {
        isClosed = true
        closeObserver?.markClosed()
    }

    /// Rewrites the sequence and port id of every message in `datagram`.
    static func stamp(_ datagram: inout [UInt8], sequence: UInt32, portID: UInt32) {
        var offset = 0
        while offset + 16 <= datagram.count {
            let length = Int(datagram[offset..<offset + 4].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })
            guard length >= 16 else { return }
            withUnsafeBytes(of: sequence) { datagram.replaceSubrange(offset + 8..<offset + 12, with: $0) }
            withUnsafeBytes(of: portID) { datagram.replaceSubrange(offset + 12..<offset + 16, with: $0) }
            offset += (length + 3) & ~3
        }
    }
}

/// Builders for kernel-style replies in tests.
enum Reply {
    /// An `NLMSG_ERROR` (errno 0 = ACK) answering `request`, capped (no echoed payload).
    static func ack(_ request: NetlinkMessage, errno: Int32 = 0) -> [UInt8] {
        var writer = NetlinkMessageWriter()
        writer.beginMessage(type: NetlinkMessageType.error, flags: .capped, sequence: request.header.sequence, portID: request.header.portID)
        writer.appendRaw(withUnsafeBytes(of: -errno) { Array($0) })
        var header = [UInt8]()
        request.header.append(to: &header)
        writer.appendRaw(header)
        writer.endMessage()
        return writer.bytes
    }

    /// `NLMSG_DONE` with a zero status.
    static func done(_ request: NetlinkMessage) -> [UInt8] {
        var writer = NetlinkMessageWriter()
        writer.beginMessage(type: NetlinkMessageType.done, flags: .multi, sequence: request.header.sequence, portID: request.header.portID)
        writer.appendRaw([0, 0, 0, 0])
        writer.endMessage()
        return writer.bytes
    }

    /// A generic netlink message of `family` with `command`, attributes written by `body`.
    static func generic(
        family: UInt16,
        command: UInt8,
        flags: NetlinkMessageFlags = [],
        _ body: (inout NetlinkMessageWriter) -> Void
    ) -> [UInt8] {
        var writer = NetlinkMessageWriter()
        writer.beginMessage(type: family, flags: flags, sequence: 0, portID: 0)
        writer.appendGenericHeader(command: command, version: 1)
        body(&writer)
        writer.endMessage()
        return writer.bytes
    }
}

/// Parses annotated hex: whitespace and `# comments` to end of line are ignored.
func hex(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let digits = content.filter { $0.isHexDigit }
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            bytes.append(UInt8(digits[index..<next], radix: 16)!)
            index = next
        }
    }
    return bytes
}
