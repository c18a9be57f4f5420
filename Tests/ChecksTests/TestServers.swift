import Glibc
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Servers the probe tests start on loopback and stop: a scripted TCP/HTTP responder (with TLS
/// when given a context), a UDP echo and a DNS responder.
enum ServerBehavior: Sendable {
    /// Accept, read the request head, answer these bytes, then close (or keep the connection open).
    case respond([UInt8], close: Bool = true)
    /// Accept and never answer.
    case hang
    /// Answer these bytes, then reset the connection (RST).
    case resetAfter([UInt8])
    /// Answer a valid head, then `bytes` of body in 64 KiB writes, then close.
    case bigBody(status: Int, bytes: Int)

    static func http(_ status: Int, body: String = "ok", close: Bool = true) -> ServerBehavior {
        let text = "HTTP/1.1 \(status) X\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        return .respond(Array(text.utf8), close: close)
    }
}

final class TestServer: Sendable {
    let channel: any Channel
    let port: UInt16

    init(host: String = "127.0.0.1", behavior: ServerBehavior, tls: NIOSSLContext? = nil) async throws {
        let requests = RequestLog()
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    if let tls { try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try child.pipeline.syncOperations.addHandler(ScriptedHandler(behavior: behavior, requests: requests))
                }
            }
            .bind(host: host, port: 0)
            .get()
        self.port = UInt16(channel.localAddress!.port!)
        self.requests = requests
    }

    private let requests: RequestLog

    var seenRequests: [String] { requests.list.withLock { $0 } }

    func stop() async {
        try? await channel.close()
    }
}

final class RequestLog: Sendable {
    let list = Mutex<[String]>([])
}

private final class ScriptedHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let behavior: ServerBehavior
    let requests: RequestLog
    var received: [UInt8] = []
    var answered = false

    init(behavior: ServerBehavior, requests: RequestLog) {
        self.behavior = behavior
        self.requests = requests
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += unwrapInboundIn(data).readableBytesView
        guard !answered, let end = String(decoding: received, as: UTF8.self).range(of: "\r\n\r\n") else { return }
        answered = true
        let text = String(decoding: received, as: UTF8.self)
        requests.list.withLock { $0.append(String(text[..<end.lowerBound])) }
        switch behavior {
        case .hang:
            break
        case .respond(let bytes, let close):
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes))).whenComplete { _ in
                if close { channel.close(promise: nil) }
            }
        case .resetAfter(let bytes):
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes))).whenComplete { _ in
                if let provider = channel as? any SocketOptionProvider {
                    provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
                } else {
                    channel.close(promise: nil)
                }
            }
        case .bigBody(let status, let bytes):
            let head = "HTTP/1.1 \(status) X\r\nContent-Length: \(bytes)\r\n\r\n"
            context.write(wrapOutboundOut(context.channel.allocator.buffer(string: head)), promise: nil)
            let chunk = context.channel.allocator.buffer(repeating: UInt8(ascii: "x"), count: 65_536)
            var left = bytes
            while left > 0 {
                let size = min(left, 65_536)
                context.write(wrapOutboundOut(chunk.getSlice(at: 0, length: size)!), promise: nil)
                left -= size
            }
            context.flush()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// A TCP port that refuses connections for as long as the value lives: bound (so no parallel test
/// can take it, and no connect can loop back to itself on it) but not listening.
final class RefusingPort: Sendable {
    let port: UInt16
    private let descriptor: CInt

    init() throws {
        let fd = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw IOError(errnoCode: errno, reason: "bind")
        }
        descriptor = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(descriptor) }
}

/// A UDP server that answers each datagram with `reply(datagram)` (or nothing, for `nil`).
final class UDPServer: Sendable {
    let channel: any Channel
    let port: UInt16

    init(host: String = "127.0.0.1", reply: @escaping @Sendable ([UInt8]) -> [UInt8]?) async throws {
        channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UDPReplyHandler(reply: reply))
                }
            }
            .bind(host: host, port: 0)
            .get()
        port = UInt16(channel.localAddress!.port!)
    }

    func stop() async {
        try? await channel.close()
    }

    /// Echoes every datagram.
    static func echo(host: String = "127.0.0.1") async throws -> UDPServer {
        try await UDPServer(host: host) { $0 }
    }

    /// Answers DNS queries with the given response code (0 NOERROR, 3 NXDOMAIN…).
    static func dns(rcode: UInt8) async throws -> UDPServer {
        try await UDPServer { query in
            guard query.count >= 12 else { return nil }
            var answer = query
            answer[2] = 0x80 | (query[2] & 0x01)  // QR, keep RD
            answer[3] = 0x80 | rcode  // RA + rcode
            return answer
        }
    }
}

private final class UDPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>
    let reply: @Sendable ([UInt8]) -> [UInt8]?

    init(reply: @escaping @Sendable ([UInt8]) -> [UInt8]?) {
        self.reply = reply
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let answer = reply(Array(envelope.data.readableBytesView)) else { return }
        let out = AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: context.channel.allocator.buffer(bytes: answer))
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }
}

/// The self-signed certificate and key under Fixtures (CN and SAN `check.test`, SAN IP 127.0.0.1;
/// test use only, valid 100 years).
func testTLSContext() throws -> NIOSSLContext {
    let directory = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    let cert = try NIOSSLCertificate.fromPEMFile(directory.appendingPathComponent("test-cert.pem").path)
    let key = try NIOSSLPrivateKey(file: directory.appendingPathComponent("test-key.pem").path, format: .pem)
    let config = TLSConfiguration.makeServerConfiguration(certificateChain: cert.map { .certificate($0) }, privateKey: .privateKey(key))
    return try NIOSSLContext(configuration: config)
}

/// This process's open sockets (not listening) that have one of `ports` at either end, from
/// /proc/net/{tcp,tcp6,udp,udp6} matched to /proc/self/fd by inode: the connections a probe
/// soak made, whatever other tests running in parallel have open.
func openSocketLines(touching ports: Set<UInt16>) -> [String] {
    var inodes: [String: String] = [:]
    for table in ["tcp", "tcp6", "udp", "udp6"] {
        guard let text = try? String(contentsOfFile: "/proc/net/\(table)", encoding: .utf8) else { continue }
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            // Not listening (TCP state 0A) and connected (a bound, unconnected UDP server
            // socket has remote port 0).
            guard fields.count > 9, fields[3] != "0A", !fields[2].hasSuffix(":0000") else { continue }
            let local = fields[1].split(separator: ":").last.flatMap { UInt16($0, radix: 16) }
            let remote = fields[2].split(separator: ":").last.flatMap { UInt16($0, radix: 16) }
            if let local, ports.contains(local) { inodes[String(fields[9])] = "\(table) \(line)" }
            if let remote, ports.contains(remote) { inodes[String(fields[9])] = "\(table) \(line)" }
        }
    }
    let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return descriptors.compactMap { fd in
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"),
            target.hasPrefix("socket:[")
        else { return nil }
        return inodes[String(target.dropFirst(8).dropLast())]
    }
}

/// True when this host can bind ::1 (some containers have no IPv6 loopback).
func hasIPv6Loopback() async -> Bool {
    guard let channel = try? await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "::1", port: 0).get() else { return false }
    try? await channel.close()
    return true
}
