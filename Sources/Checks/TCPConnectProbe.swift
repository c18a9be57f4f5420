import NIOCore
import NIOPosix

/// `tcp`: up when the connection is accepted; closed at once (with an RST, see ``ProbeAttempt``).
enum TCPConnectProbe {
    static func run(_ target: ProbeTarget, timeout: Duration, on eventLoop: any EventLoop) -> EventLoopFuture<ProbeOutcome> {
        let attempt = ProbeAttempt(eventLoop: eventLoop, timeout: timeout, armDeadline: false)
        do {
            let address = try target.socketAddress()
            ClientBootstrap(group: eventLoop)
                .connectTimeout(.nanoseconds(WeightRamp.nanoseconds(timeout)))
                .connect(to: address)
                .whenComplete { result in
                    switch result {
                    case .success(let channel):
                        attempt.attach(channel)
                        attempt.succeed()
                    case .failure(let error):
                        attempt.fail(error)
                    }
                }
        } catch {
            eventLoop.execute { attempt.fail(error) }
        }
        return attempt.futureResult
    }
}
