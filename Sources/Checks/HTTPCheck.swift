import Addresses
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Spec

/// `http` and `https`: one request per probe on a fresh connection (`Connection: close`), judged
/// by ``HTTPProbeHandler``.
enum HTTPCheck {
    /// Everything the prober will read from one response, headers included.
    static let readLimit = 128 * 1024

    static func run(
        _ probe: HTTPProbe,
        target: ProbeTarget,
        timeout: Duration,
        tls: NIOSSLContext?,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<ProbeOutcome> {
        let attempt = ProbeAttempt(eventLoop: eventLoop, timeout: timeout)
        let serverName = Self.serverName(probe)
        do {
            let address = try target.socketAddress()
            ClientBootstrap(group: eventLoop)
                .connectTimeout(.nanoseconds(WeightRamp.nanoseconds(timeout)))
                .channelInitializer { channel in
                    do {
                        let sync = channel.pipeline.syncOperations
                        if let tls {
                            try sync.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                        }
                        try sync.addHandler(InboundByteLimit(limit: readLimit, attempt: attempt))
                        try sync.addHTTPClientHandlers(leftOverBytesStrategy: .dropBytes)
                        try sync.addHandler(HTTPProbeHandler(probe: probe, target: target, attempt: attempt))
                        return channel.eventLoop.makeSucceededVoidFuture()
                    } catch {
                        return channel.eventLoop.makeFailedFuture(error)
                    }
                }
                .connect(to: address)
                .whenComplete { result in
                    switch result {
                    case .success(let channel): attempt.attach(channel)
                    case .failure(let error): attempt.fail(error)
                    }
                }
        } catch {
            eventLoop.execute { attempt.fail(error) }
        }
        return attempt.futureResult
    }

    /// The TLS server name: `sni`, else `virtualhost`; never an IP literal (SNI forbids them).
    static func serverName(_ probe: HTTPProbe) -> String? {
        for candidate in [probe.sni, probe.virtualhost] {
            guard var name = candidate, !name.isEmpty else { continue }
            if let colon = name.lastIndex(of: ":"), !name.hasPrefix("["), name.firstIndex(of: ":") == colon {
                name = String(name[..<colon])  // "example.com:8443" as a Host header
            }
            if IPAddress(name) == nil, !name.hasPrefix("[") { return name }
        }
        return nil
    }
}
