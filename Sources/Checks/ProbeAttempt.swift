import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// One probe in flight: its deadline, its channel, and the promise it completes exactly once.
///
/// Confined to its event loop: every method runs there (the handlers and future callbacks that
/// call it are on that loop), which is why the unchecked `Sendable` is sound. `finish` closes the
/// channel whatever happens first (a verdict, an error, the deadline), so no path leaks a socket.
final class ProbeAttempt: @unchecked Sendable {
    let eventLoop: any EventLoop
    private let promise: EventLoopPromise<ProbeOutcome>
    private let started: NIODeadline
    private var channel: (any Channel)?
    private var timer: Scheduled<Void>?
    private(set) var finished = false

    init(eventLoop: any EventLoop, timeout: Duration) {
        self.eventLoop = eventLoop
        self.promise = eventLoop.makePromise()
        self.started = .now()
        self.timer = eventLoop.scheduleTask(in: .nanoseconds(WeightRamp.nanoseconds(timeout))) { [self] in
            self.fail("timeout after \(timeout)")
        }
    }

    var futureResult: EventLoopFuture<ProbeOutcome> { promise.futureResult }

    /// Adopts the connected channel; closes it at once if the verdict came first.
    func attach(_ channel: any Channel) {
        eventLoop.assertInEventLoop()
        if finished {
            channel.close(promise: nil)
        } else {
            self.channel = channel
        }
    }

    func succeed() { finish(nil) }

    func fail(_ reason: String) { finish(reason) }

    func fail(_ error: any Error) { finish(ProbeError.describe(error)) }

    private func finish(_ error: String?) {
        eventLoop.assertInEventLoop()
        guard !finished else { return }
        finished = true
        timer?.cancel()
        timer = nil
        if let channel {
            // An RST instead of a FIN: the prober never holds TIME_WAIT state, which at 10,000
            // probes a second would pin hundreds of thousands of sockets.
            if let provider = channel as? any SocketOptionProvider {
                _ = provider.setSoLinger(linger(l_onoff: 1, l_linger: 0))
            }
            channel.close(promise: nil)
            self.channel = nil
        }
        let latency = Duration.nanoseconds((NIODeadline.now() - started).nanoseconds)
        promise.succeed(ProbeOutcome(success: error == nil, latency: latency, error: error))
    }
}
