import NIOCore
import NIOPosix
import Spec

/// `udp` and `dns`: one datagram out on a connected UDP socket, the first reply judged.
///
/// The socket is connected so the kernel delivers an ICMP port-unreachable as `ECONNREFUSED`: a
/// closed port is down at once instead of at the timeout.
enum DatagramCheck {
    static func run(
        target: ProbeTarget,
        payload: [UInt8],
        timeout: Duration,
        on eventLoop: any EventLoop,
        judge: @escaping @Sendable (ByteBuffer) -> String?
    ) -> EventLoopFuture<ProbeOutcome> {
        let attempt = ProbeAttempt(eventLoop: eventLoop, timeout: timeout)
        do {
            let address = try target.socketAddress()
            DatagramBootstrap(group: eventLoop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ReplyHandler(attempt: attempt, judge: judge))
                    }
                }
                .connect(to: address)
                .whenComplete { result in
                    switch result {
                    case .success(let channel):
                        attempt.attach(channel)
                        guard !attempt.finished else { return }
                        var buffer = channel.allocator.buffer(capacity: payload.count)
                        buffer.writeBytes(payload)
                        channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: buffer)).whenFailure { error in
                            attempt.fail(error)
                        }
                    case .failure(let error):
                        attempt.fail(error)
                    }
                }
        } catch {
            eventLoop.execute { attempt.fail(error) }
        }
        return attempt.futureResult
    }

    private final class ReplyHandler: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let attempt: ProbeAttempt
        let judge: @Sendable (ByteBuffer) -> String?

        init(attempt: ProbeAttempt, judge: @escaping @Sendable (ByteBuffer) -> String?) {
            self.attempt = attempt
            self.judge = judge
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let reply = unwrapInboundIn(data).data
            if let problem = judge(reply) {
                // A reply that is not ours (a stray DNS id) waits for the next one.
                if problem.isEmpty { return }
                attempt.fail(problem)
            } else {
                attempt.succeed()
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            attempt.fail(error)
        }
    }

    /// `udp`: any reply is up; with `expect`, the reply must start with it.
    static func udp(_ probe: UDPProbe, target: ProbeTarget, timeout: Duration, on eventLoop: any EventLoop) -> EventLoopFuture<ProbeOutcome> {
        let expect = probe.expect.map { Array($0.utf8) } ?? []
        return run(target: target, payload: Array(probe.payload.utf8), timeout: timeout, on: eventLoop) { reply in
            guard !expect.isEmpty else { return nil }
            return reply.readableBytesView.starts(with: expect) ? nil : "reply does not start with the expected text"
        }
    }

    /// `dns`: up when the answer's response code is the expected one.
    static func dns(_ probe: DNSProbe, target: ProbeTarget, timeout: Duration, on eventLoop: any EventLoop) -> EventLoopFuture<ProbeOutcome> {
        let id = UInt16.random(in: 0...UInt16.max)
        guard let query = DNSMessage.query(id: id, name: probe.name, type: probe.query) else {
            return eventLoop.makeSucceededFuture(.down("cannot encode the name '\(probe.name)'", latency: .zero))
        }
        let expected = probe.expect.uppercased()
        return run(target: target, payload: query, timeout: timeout, on: eventLoop) { reply in
            switch DNSMessage.responseCode(Array(reply.readableBytesView), id: id) {
            case .none: return ""  // not an answer to our question: keep waiting
            case .some(.failure(let problem)): return problem.description
            case .some(.success(let code)):
                let name = DNSMessage.codeName(code)
                return name == expected ? nil : "response code \(name), expected \(expected)"
            }
        }
    }
}
