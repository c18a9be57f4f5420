public import NIOCore
public import NIOPosix
import NIOSSL
public import Spec

/// The real prober: every probe type on SwiftNIO event loops (exec on a thread pool).
///
/// TLS contexts are built once (one verifying with the system's trust roots, one for `insecure`)
/// because building one per probe would cost more than the probe.
public struct NIOProber: Prober {
    private let threadPool: NIOThreadPool
    private let verifying: NIOSSLContext?
    private let insecure: NIOSSLContext?

    /// - Parameter threadPool: runs `exec` checks (a started pool; its size bounds how many run at once).
    public init(threadPool: NIOThreadPool) {
        self.threadPool = threadPool
        // No clean TLS shutdown: a probe has its verdict when it closes, and waiting for the
        // target's close_notify (NIOSSL's default) would hold a socket open per https probe
        // against a target that never answers it.
        var verifying = TLSConfiguration.makeClientConfiguration()
        verifying.shutdownTimeout = .zero
        self.verifying = try? NIOSSLContext(configuration: verifying)
        var insecure = verifying
        insecure.certificateVerification = .none
        self.insecure = try? NIOSSLContext(configuration: insecure)
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
                tls = http.insecure ? insecure : verifying
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
