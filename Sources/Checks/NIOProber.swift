public import NIOCore
public import NIOPosix
import NIOSSL
public import Spec
import Synchronization

/// The real prober: every probe type on SwiftNIO event loops (exec on a thread pool).
///
/// TLS contexts are built once, on the first https probe (one verifying with the system's trust
/// roots, one for `insecure`): building one per probe would cost more than the probe, and
/// loading the trust roots at start slowed every start of a daemon that has no https check.
public struct NIOProber: Prober {
    private let threadPool: NIOThreadPool
    private let contexts = TLSContexts()

    /// - Parameter threadPool: runs `exec` checks (a started pool; its size bounds how many run at once).
    public init(threadPool: NIOThreadPool) {
        self.threadPool = threadPool
    }

    public func probe(_ probe: Probe, backend: Backend, timeout: Duration, on eventLoop: any EventLoop) -> EventLoopFuture<ProbeOutcome> {
        let target = ProbeTarget(backend: backend, probe: probe)
        switch probe {
        case .none:
            return eventLoop.makeSucceededFuture(.up(.zero))
        case .tcp:
            return TCPConnectProbe.run(target, timeout: timeout, on: eventLoop)
        case .http(let http):
            var tls: NIOSSLContext?
            if http.tls {
                tls = contexts.context(verifying: !http.insecure)
                if tls == nil { return eventLoop.makeSucceededFuture(.down("TLS is not available", latency: .zero)) }
            }
            return HTTPCheck.run(http, target: target, timeout: timeout, tls: tls, on: eventLoop)
        case .udp(let udp):
            return DatagramCheck.udp(udp, target: target, timeout: timeout, on: eventLoop)
        case .dns(let dns):
            return DatagramCheck.dns(dns, target: target, timeout: timeout, on: eventLoop)
        case .exec(let exec):
            return ExecCheck.run(exec, backend: backend, timeout: timeout, pool: threadPool, on: eventLoop)
        }
    }
}

/// The prober's two TLS contexts, built together on first use and shared by every copy.
final class TLSContexts: Sendable {
    private let built = Mutex<(verifying: NIOSSLContext?, insecure: NIOSSLContext?)?>(nil)

    /// `nil` when TLS is not available (the probe then fails and says so).
    func context(verifying: Bool) -> NIOSSLContext? {
        let contexts = built.withLock { built in
            if let built { return built }
            // No clean TLS shutdown: a probe has its verdict when it closes, and waiting for the
            // target's close_notify (NIOSSL's default) would hold a socket open per https probe
            // against a target that never answers it.
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.shutdownTimeout = .zero
            let verifying = try? NIOSSLContext(configuration: configuration)
            configuration.certificateVerification = .none
            let made = (verifying: verifying, insecure: try? NIOSSLContext(configuration: configuration))
            built = made
            return made
        }
        return verifying ? contexts.verifying : contexts.insecure
    }
}
