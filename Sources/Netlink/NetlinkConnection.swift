public import Logging

/// A conversation with the kernel over one ``NetlinkSocket``: numbers requests, checks that
/// every reply carries our port id and the sequence number of a request in flight, reads
/// multipart dumps to `NLMSG_DONE`, and turns `NLMSG_ERROR` into ``NetlinkError/kernel(errno:request:message:)``.
///
/// Three shapes of exchange cover every generic netlink family:
/// - ``execute(_:)``: one request, its data replies (if any), then the acknowledgement;
/// - ``dump(_:)``: one `NLM_F_DUMP` request, all its messages across datagrams, up to `NLMSG_DONE`;
/// - ``executeBatch(_:)``: many requests in as few `send` calls as the socket buffers allow,
///   each acknowledged on its own and reported on its own.
///
/// Not thread-safe: the owner (``KernelIPVS``) serialises access.
public final class NetlinkConnection {
    /// A request: type (family id), flags and body (everything after `nlmsghdr`). The
    /// connection fills in the length, sequence number and port id.
    public struct Request: Sendable, Hashable {
        /// The message type: the family id for generic netlink.
        public var type: UInt16
        /// Extra flags; `NLM_F_REQUEST` (and `ACK`/`DUMP` as the exchange needs) are added.
        public var flags: NetlinkMessageFlags
        /// The generic header and attributes.
        public var body: [UInt8]

        public init(type: UInt16, flags: NetlinkMessageFlags, body: [UInt8]) {
            self.type = type
            self.flags = flags
            self.body = body
        }
    }

    public let socket: any NetlinkSocket
    private var nextSequence: UInt32
    private let logger: Logger

    /// - Parameters:
    ///   - socket: the transport; the connection does not close it.
    ///   - initialSequence: the first sequence number (a time-derived value avoids matching a
    ///     stale reply left by an earlier process on a reused port id).
    public init(socket: any NetlinkSocket, initialSequence: UInt32 = 1, logger: Logger) {
        self.socket = socket
        self.nextSequence = initialSequence == 0 ? 1 : initialSequence
        self.logger = logger
    }

    private func takeSequence() -> UInt32 {
        let sequence = nextSequence
        nextSequence = nextSequence &+ 1
        if nextSequence == 0 { nextSequence = 1 }
        return sequence
    }

    private func encode(_ request: Request, sequence: UInt32, into writer: inout NetlinkMessageWriter) {
        writer.beginMessage(type: request.type, flags: request.flags.union(.request), sequence: sequence, portID: socket.portID)
        writer.appendRaw(request.body)
        writer.endMessage()
    }

    private func receiveMessages() throws(NetlinkError) -> [NetlinkMessage] {
        let datagram = try socket.receive()
        if logger.logLevel <= .trace {
            logger.trace("netlink receive", metadata: ["bytes": "\(datagram.count)", "hex": "\(HexDump.compact(datagram))"])
        }
        do {
            return try NetlinkMessage.split(datagram: datagram[...])
        } catch {
            throw .malformed(error)
        }
    }

    /// Checks the port id; returns false for a stale reply (a sequence number older than the
    /// window in flight), which is dropped, and throws for one that cannot be ours.
    private func belongs(_ header: NetlinkMessageHeader, window: ClosedRange<UInt32>) throws(NetlinkError) -> Bool {
        guard header.portID == socket.portID || header.portID == 0 else {
            throw .unexpectedReply(sequence: header.sequence, portID: header.portID, expectedPortID: socket.portID)
        }
        if window.contains(header.sequence) { return true }
        // Sequence numbers wrap; "older" is measured modulo 2^32 from the window's start.
        let age = window.lowerBound &- header.sequence
        if age > 0 && age < 1 << 31 {
            logger.debug("dropping a stale netlink reply", metadata: ["sequence": "\(header.sequence)"])
            return false
        }
        throw .unexpectedReply(sequence: header.sequence, portID: header.portID, expectedPortID: socket.portID)
    }

    private func send(_ bytes: [UInt8]) throws(NetlinkError) {
        if logger.logLevel <= .trace {
            logger.trace("netlink send", metadata: ["bytes": "\(bytes.count)", "hex": "\(HexDump.compact(bytes))"])
        }
        try socket.send(bytes)
    }

    private func kernelError(_ message: NetlinkMessage) throws(NetlinkError) -> NetlinkError? {
        let payload: (errno: Int32, request: NetlinkMessageHeader, message: String?)
        do {
            payload = try message.errorPayload()
        } catch {
            throw .malformed(error)
        }
        if payload.errno == 0 { return nil }
        return .kernel(errno: payload.errno, request: payload.request, message: payload.message)
    }

    /// Sends one request with `NLM_F_ACK` and returns the data messages that precede the
    /// acknowledgement (a `GET` command's answer; nothing for a `SET`).
    ///
    /// - Throws: ``NetlinkError/kernel(errno:request:message:)`` when the kernel refuses.
    public func execute(_ request: Request) throws(NetlinkError) -> [NetlinkMessage] {
        try exchange(request, adding: .ack)
    }

    /// Sends one `NLM_F_DUMP` request and returns every data message of the reply, across as
    /// many datagrams as the kernel needs, up to `NLMSG_DONE`.
    ///
    /// The kernel gives no consistency guarantee across the datagrams of a dump (a table that
    /// changes meanwhile can show an entry twice); callers de-duplicate by key.
    public func dump(_ request: Request) throws(NetlinkError) -> [NetlinkMessage] {
        try exchange(request, adding: .dump)
    }

    /// One request, then its replies until the message that ends them: the acknowledgement
    /// (`NLMSG_ERROR` with code 0), an error, or `NLMSG_DONE`.
    private func exchange(_ request: Request, adding flags: NetlinkMessageFlags) throws(NetlinkError) -> [NetlinkMessage] {
        let sequence = takeSequence()
        var writer = NetlinkMessageWriter(reservingCapacity: request.body.count + 16)
        var flagged = request
        flagged.flags.formUnion(flags)
        encode(flagged, sequence: sequence, into: &writer)
        try send(writer.bytes)
        var replies: [NetlinkMessage] = []
        while true {
            for message in try receiveMessages() {
                guard try belongs(message.header, window: sequence...sequence) else { continue }
                switch message.header.type {
                case NetlinkMessageType.error:
                    // An ACK ends a request; a dump that fails to start answers with an error.
                    if let error = try kernelError(message) { throw error }
                    return replies
                case NetlinkMessageType.done:
                    // DONE carries an int: a negative errno if the dump failed midway.
                    if message.payload.count >= 4 {
                        let code = message.payload.loadNative(at: 0, as: Int32.self)
                        if code < 0 && code != Int32.min {
                            throw .kernel(errno: -code, request: message.header, message: nil)
                        }
                    }
                    return replies
                case NetlinkMessageType.noop:
                    continue
                case NetlinkMessageType.overrun:
                    throw .receiveBufferOverrun
                default:
                    replies.append(message)
                }
            }
        }
    }

    /// Sends many requests packed into as few datagrams as the socket allows, and returns one
    /// outcome per request, in request order: `nil` for success, the kernel's error otherwise.
    ///
    /// The kernel handles every message of a datagram on its own, synchronously within the
    /// `send`, and a failure does not stop the ones after it. So the batch does not stop
    /// either: every request is sent and every outcome reported; the caller decides what a
    /// failure means.
    ///
    /// Few system calls: only the last request of each datagram carries `NLM_F_ACK`. The
    /// kernel answers the others only when they fail (it always reports errors), in order, so
    /// when the last one's acknowledgement arrives every earlier outcome is known: one `send`
    /// and one `recv` per chunk, plus one `recv` per failure.
    ///
    /// A chunk never exceeds ``NetlinkSocket/maximumSendSize`` bytes or
    /// ``NetlinkSocket/maximumRepliesInFlight`` requests, so even a chunk where every request
    /// fails has room for all its errors in the receive buffer.
    ///
    /// - Throws: a transport error (``NetlinkError/receiveBufferOverrun``, a system call);
    ///   then the outcome of the requests of the current chunk is unknown.
    public func executeBatch(_ requests: [Request]) throws(NetlinkError) -> [NetlinkError?] {
        var outcomes = [NetlinkError?](repeating: nil, count: requests.count)
        let maximumBytes = socket.maximumSendSize
        let maximumCount = socket.maximumRepliesInFlight
        var index = 0
        while index < requests.count {
            // Size the chunk first, so the last request can be flagged for acknowledgement.
            let first = index
            var bytes = 0
            var end = first
            while end < requests.count && end - first < maximumCount {
                let size = NetlinkMessageHeader.size + (requests[end].body.count + 3) & ~3
                if end > first && bytes + size > maximumBytes { break }
                bytes += size
                end += 1
            }
            index = end
            let count = end - first
            // Keep the chunk's sequence numbers contiguous (no wrap inside the window).
            if nextSequence > UInt32.max - UInt32(count) - 1 { nextSequence = 1 }
            let firstSequence = nextSequence
            var writer = NetlinkMessageWriter(reservingCapacity: bytes)
            for position in first..<end {
                var request = requests[position]
                if position == end - 1 { request.flags.formUnion(.ack) }
                encode(request, sequence: takeSequence(), into: &writer)
            }
            try send(writer.bytes)
            logger.debug("netlink batch chunk sent", metadata: ["requests": "\(count)", "bytes": "\(writer.count)"])

            let lastSequence = firstSequence &+ UInt32(count - 1)
            var finished = false
            while !finished {
                for message in try receiveMessages() {
                    guard try belongs(message.header, window: firstSequence...lastSequence) else { continue }
                    guard message.header.type == NetlinkMessageType.error else { continue }
                    let position = Int(message.header.sequence &- firstSequence)
                    outcomes[first + position] = try kernelError(message)
                    if message.header.sequence == lastSequence { finished = true }
                }
            }
        }
        return outcomes
    }
}
