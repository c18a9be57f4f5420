import Foundation
import Logging
import Testing
@testable import Netlink
import NetlinkTesting

/// The connection's exchange rules over a scripted kernel: sequence and port checks, batches
/// packed into few datagrams with one outcome per request, error translation.
struct NetlinkConnectionTests {
    /// A kernel that acknowledges requests the way netlink_rcv_skb does: an error for every
    /// failing message, an ACK for a succeeding one only when it asked (NLM_F_ACK).
    static func kernel(failing: @escaping (NetlinkMessage) -> Int32 = { _ in 0 }) -> ScriptedNetlinkSocket {
        ScriptedNetlinkSocket { request in
            let errno = failing(request)
            if errno != 0 || request.header.flags.contains(.ack) { return [Reply.ack(request, errno: errno)] }
            return []
        }
    }

    static func requests(_ count: Int) -> [NetlinkConnection.Request] {
        (0..<count).map { NetlinkConnection.Request(type: 0x20, flags: [], body: [UInt8(truncatingIfNeeded: $0), 1, 0, 0]) }
    }

    @Test func batchPacksRequestsAndReportsEachOutcome() throws {
        let socket = Self.kernel { $0.payload.first! % 7 == 3 ? 17 : 0 }
        socket.maximumRepliesInFlight = 40
        let connection = NetlinkConnection(socket: socket, initialSequence: 100, logger: Logger(label: "test"))
        let outcomes = try connection.executeBatch(Self.requests(100))
        #expect(socket.sent.count == 3, "100 requests in chunks of at most 40")
        #expect(socket.sentMessages.filter { $0.header.flags.contains(.ack) }.count == 3, "only the last of each chunk asks for an ACK")
        for (index, outcome) in outcomes.enumerated() {
            if index % 7 == 3 {
                guard case .kernel(let errno, let request, _)? = outcome else {
                    Issue.record("request \(index) should have failed")
                    continue
                }
                #expect(errno == 17)
                #expect(request.sequence == 100 + UInt32(index))
            } else {
                #expect(outcome == nil, "request \(index)")
            }
        }
    }

    @Test func batchChunksBySendBufferSize() throws {
        let socket = Self.kernel()
        socket.maximumSendSize = 200  // 20 bytes per request: 10 per datagram
        let connection = NetlinkConnection(socket: socket, logger: Logger(label: "test"))
        let outcomes = try connection.executeBatch(Self.requests(95))
        #expect(outcomes.allSatisfy { $0 == nil })
        #expect(socket.sent.count == 10)
        #expect(socket.sent.allSatisfy { $0.count <= 200 })
    }

    @Test func batchOfFailuresOnlyStillEnds() throws {
        let socket = Self.kernel { _ in 1 }
        let connection = NetlinkConnection(socket: socket, logger: Logger(label: "test"))
        let outcomes = try connection.executeBatch(Self.requests(10))
        #expect(outcomes.allSatisfy { if case .kernel(1, _, _)? = $0 { true } else { false } })
    }

    @Test func overrunIsATypedTransportError() {
        let socket = Self.kernel()
        socket.receiveErrors = [.receiveBufferOverrun]
        let connection = NetlinkConnection(socket: socket, logger: Logger(label: "test"))
        #expect(throws: NetlinkError.receiveBufferOverrun) { try connection.executeBatch(Self.requests(3)) }
    }

    @Test func repliesForAnotherPortAreRejected() {
        let socket = ScriptedNetlinkSocket { request in [Reply.ack(request)] }
        socket.stamp = false
        let connection = NetlinkConnection(socket: socket, logger: Logger(label: "test"))
        // Reply.ack echoes the request's port id; stamp the reply with a foreign one instead.
        let foreign = ScriptedNetlinkSocket(portID: 1) { request in
            var reply = Reply.ack(request)
            ScriptedNetlinkSocket.stamp(&reply, sequence: request.header.sequence, portID: 999)
            return [reply]
        }
        foreign.stamp = false
        let confused = NetlinkConnection(socket: foreign, logger: Logger(label: "test"))
        #expect(throws: NetlinkError.self) { try confused.execute(Self.requests(1)[0]) }
        #expect(throws: Never.self) { try connection.execute(Self.requests(1)[0]) }
    }

    @Test func staleRepliesAreDroppedAndFutureOnesRejected() throws {
        let socket = ScriptedNetlinkSocket { request in
            var stale = Reply.ack(request, errno: 5)
            ScriptedNetlinkSocket.stamp(&stale, sequence: request.header.sequence &- 3, portID: 4242)
            return [stale, Reply.ack(request)]
        }
        socket.stamp = false
        let connection = NetlinkConnection(socket: socket, initialSequence: 50, logger: Logger(label: "test"))
        #expect(try connection.execute(Self.requests(1)[0]).isEmpty)

        let future = ScriptedNetlinkSocket { request in
            var reply = Reply.ack(request)
            ScriptedNetlinkSocket.stamp(&reply, sequence: request.header.sequence &+ 9, portID: 4242)
            return [reply]
        }
        future.stamp = false
        let confused = NetlinkConnection(socket: future, initialSequence: 50, logger: Logger(label: "test"))
        #expect(throws: NetlinkError.self) { try confused.execute(Self.requests(1)[0]) }
    }
}
