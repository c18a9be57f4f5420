import Synchronization
package import Netlink

/// Whether a socket was closed, observable after the socket was handed over (`sending`).
package final class CloseObserver: Sendable {
    package init() {}
    private let closed = Mutex(false)
    package var isClosed: Bool { closed.withLock { $0 } }
    package func markClosed() { closed.withLock { $0 = true } }
}

/// A ``NetlinkSocket`` that plays the kernel from a script, for tests without a kernel (the
/// technique of mdlayher's `nltest` and containerization's `MockNetlinkSocket`).
///
/// Every datagram sent is recorded. Each request message in it is passed to `respond`, which
/// returns the reply datagrams; before queueing them, the socket stamps each reply message
/// with the request's sequence number and our port id (unless `stamp` is false), so replies
/// captured from a real kernel under other sequence numbers replay as if fresh.
package final class ScriptedNetlinkSocket: NetlinkSocket {
    package let portID: UInt32
    package var maximumSendSize: Int
    package var maximumRepliesInFlight: Int
    package var stamp = true
    package private(set) var sent: [[UInt8]] = []
    package private(set) var isClosed = false
    private var queue: [[UInt8]] = []
    /// Errors to throw from `receive` instead of data (consumed first).
    package var receiveErrors: [NetlinkError] = []
    /// Told when the socket closes.
    package var closeObserver: CloseObserver?
    package let respond: (NetlinkMessage) -> [[UInt8]]

    package init(portID: UInt32 = 4242, maximumSendSize: Int = 1 << 20, maximumRepliesInFlight: Int = 4096, respond: @escaping (NetlinkMessage) -> [[UInt8]]) {
        self.portID = portID
        self.maximumSendSize = maximumSendSize
        self.maximumRepliesInFlight = maximumRepliesInFlight
        self.respond = respond
    }

    /// The request messages sent so far, split.
    package var sentMessages: [NetlinkMessage] {
        sent.flatMap { (try? NetlinkMessage.split(datagram: $0[...])) ?? [] }
    }

    package func send(_ datagram: [UInt8]) throws(NetlinkError) {
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

    package func receive() throws(NetlinkError) -> [UInt8] {
        if isClosed { throw .closed }
        if !receiveErrors.isEmpty { throw receiveErrors.removeFirst() }
        guard !queue.isEmpty else { throw .timedOut }
        return queue.removeFirst()
    }

    package func close() {
        isClosed = true
        closeObserver?.markClosed()
    }

    /// Rewrites the sequence and port id of every message in `datagram`.
    package static func stamp(_ datagram: inout [UInt8], sequence: UInt32, portID: UInt32) {
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
