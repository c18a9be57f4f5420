import Addresses
import NIOCore
import NIOHTTP1
import Spec

/// Sends one HTTP/1.1 request and judges the response: the status must be expected and, if asked,
/// the body must contain the text within the first ``HTTPProbeHandler/bodyLimit`` bytes.
///
/// The verdict comes as early as possible: with no body text to look for, the status line decides
/// and the connection is closed without reading the body. Bytes read are capped twice: here for
/// the body, and by ``InboundByteLimit`` for everything (a never-ending header or a 10 MB body).
final class HTTPProbeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// How much of the body a `body` check looks at.
    static let bodyLimit = 64 * 1024

    private let probe: HTTPProbe
    private let target: ProbeTarget
    private let attempt: ProbeAttempt
    private let needle: [UInt8]
    private var body: [UInt8] = []
    private var statusMatched = false

    init(probe: HTTPProbe, target: ProbeTarget, attempt: ProbeAttempt) {
        self.probe = probe
        self.target = target
        self.attempt = attempt
        self.needle = probe.body.map { Array($0.utf8) } ?? []
    }

    func channelActive(context: ChannelHandlerContext) {
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: probe.method), uri: probe.path)
        // The Host header names the backend (bracketed for IPv6) unless a virtual host is given.
        head.headers.add(name: "Host", value: probe.virtualhost ?? hostHeader)
        head.headers.add(name: "User-Agent", value: "gorb-reconcile-check")
        head.headers.add(name: "Accept", value: "*/*")
        head.headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    private var hostHeader: String {
        let defaultPort: UInt16 = probe.tls ? 443 : 80
        if target.port == defaultPort {
            return target.address.family == .ipv6 ? "[\(target.address)]" : "\(target.address)"
        }
        return target.authority
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !attempt.finished else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            let code = Int(head.status.code)
            guard probe.expect.contains(code) else {
                attempt.fail("status \(code)")
                return
            }
            statusMatched = true
            if needle.isEmpty { attempt.succeed() }
        case .body(let buffer):
            guard statusMatched, !needle.isEmpty else { return }
            let room = Self.bodyLimit - body.count
            body.append(contentsOf: buffer.readableBytesView.prefix(room))
            if Self.contains(body, needle) {
                attempt.succeed()
            } else if body.count >= Self.bodyLimit {
                attempt.fail("body text not found in the first \(Self.bodyLimit / 1024) KiB")
            }
        case .end:
            if statusMatched && !needle.isEmpty { attempt.fail("body text not found") }
            if !statusMatched { attempt.fail("no response") }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        attempt.fail("connection closed before a complete response")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError {
            attempt.fail("not an HTTP response (\(error))")
        } else {
            attempt.fail(error)
        }
        context.close(promise: nil)
    }

    /// Naive search: both sides are small (a health page's first 64 KiB and a short needle).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}

/// Closes the connection once more than `limit` bytes have arrived: the hard cap on what a check
/// target can make the prober read (a 10 MB body, an endless header, a server that never stops).
final class InboundByteLimit: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let limit: Int
    private let attempt: ProbeAttempt
    private var seen = 0

    init(limit: Int, attempt: ProbeAttempt) {
        self.limit = limit
        self.attempt = attempt
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        seen += unwrapInboundIn(data).readableBytes
        if seen > limit {
            attempt.fail("response larger than \(limit / 1024) KiB")
            return
        }
        context.fireChannelRead(data)
    }
}
