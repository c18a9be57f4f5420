import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// A request must arrive whole within `timeout` of its header: a client that sends its body a
/// byte at a time (slowloris) would otherwise hold a connection, and a handler waiting for that
/// body, for as long as it likes. When the time passes, the request gets `408` (unless an answer
/// has already been given) and the connection is closed; the handler reading the body gets an error,
/// never a truncated body.
///
/// It sits after the HTTP/1 decoder (Hummingbird's `additionalChannelHandlers`), one per
/// connection, on the connection's event loop.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// What the handler reading a body that never finished gets.
    struct Expired: Error {}

    let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    /// When the header of the request being read arrived; nil between requests.
    private var started: NIODeadline?
    /// The request being read has had its answer (or the start of it): at the deadline the
    /// connection is closed without a 408.
    private var answered = false
    private var expired = false

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !expired else { return }
        switch unwrapInboundIn(data) {
        case .head:
            answered = false
            timer?.cancel()
            timer = nil
            started = .now()
        case .end:
            timer?.cancel()
            timer = nil
            started = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    /// The timer is set only for a request still incomplete when a read ends: a request that
    /// arrives in one read (every GET, most changes) costs no timer.
    func channelReadComplete(context: ChannelHandlerContext) {
        if let started, timer == nil, !expired {
            timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: started + timeout) { [self] in
                expire(context: context)
            }
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !expired else {
            // The 408 is the answer; the handler's own, written after it, is dropped.
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        if case .head = unwrapOutboundIn(data) { answered = true }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    private func expire(context: ChannelHandlerContext) {
        timer = nil
        expired = true
        context.fireErrorCaught(Expired())
        guard !answered else {
            context.close(promise: nil)
            return
        }
        let seconds = timeout.nanoseconds / 1_000_000_000
        let message = "the request did not arrive whole within \(seconds) s; the connection is closed"
        let body = #"{"error": "\#(message)", "errors": ["\#(message)"]}"# + "\n"
        var head = HTTPResponse(status: .requestTimeout)
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.contentLength] = String(body.utf8.count)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(string: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
