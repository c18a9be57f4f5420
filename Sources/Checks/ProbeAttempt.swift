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
    private(set) var finished = false

    /// - Parameter armDeadline: false when something else bounds the attempt (a tcp probe is
    ///   over at the connect, which `ClientBootstrap.connectTimeout` already bounds): one timer
    ///   fewer per probe in the loop's heap.
    init(eventLoop: any EventLoop, timeout: Duration, armDeadline: Bool = true) {
        self.eventLoop = eventLoop
        self.promise = eventLoop.makePromise()
        self.started = .now()
        guard armDeadline else { return }
        // The deadline is never cancelled: NIO cancels a scheduled task by scanning the loop's
        // whole timer heap, which at 10,000 backends costs more than the probe. It fires as a
        // no-op after a verdict, holding only a weak reference.
        eventLoop.scheduleTask(in: .nanoseconds(WeightRamp.nanoseconds(timeout))) { [weak self] in
            self?.fail("timeout after \(timeout)")
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

    func fail(_ error: any Error) { finish(ProbeError.describe(error), local: ProbeError.isLocal(error)) }

    private func finish(_ error: String?, local: Bool = false) {
        eventLoop.assertInEventLoop()
        guard !finished else { return }
        finished = true
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
        promise.succeed(ProbeOutcome(success: error == nil, latency: latency, error: error, local: local))
    }
}
