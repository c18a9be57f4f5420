import Foundation
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A TCP client that sends exactly what it is told, when it is told: for what no HTTP client
/// does (a body a byte at a time). Blocking sockets, run on NIO's thread pool so no test blocks
/// a thread of Swift's cooperative pool.
struct RawConnection {
    struct Outcome: Sendable {
        /// Everything the server sent.
        var answer: String
        /// The server closed the connection.
        var closed: Bool
        /// From the last header byte sent to the close (or to giving up).
        var elapsed: Duration
        /// Body bytes sent before the answer came.
        var sent: Int
    }

    /// Connects to 127.0.0.1:`port`, sends `head`, then `body` one byte every `every`, and reads
    /// until the server closes or `giveUp` passes.
    static func trickle(port: Int, head: String, body: [UInt8], every: Duration, giveUp: Duration) async throws -> Outcome {
        try await NIOThreadPool.singleton.runIfActive {
            try trickleBlocking(port: port, head: head, body: body, every: every, giveUp: giveUp)
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private static func trickleBlocking(port: Int, head: String, body: [UInt8], every: Duration, giveUp: Duration) throws -> Outcome {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect to 127.0.0.1:\(port): errno \(errno)") }
        guard send(fd, head, head.utf8.count, Int32(MSG_NOSIGNAL)) == head.utf8.count else { throw Failure(description: "send: errno \(errno)") }

        let clock = ContinuousClock()
        let start = clock.now
        var received: [UInt8] = []
        var sent = 0
        var closed = false
        var nextByte = start
        while !closed, clock.now - start < giveUp {
            if sent < body.count, clock.now >= nextByte {
                if send(fd, [body[sent]], 1, Int32(MSG_NOSIGNAL)) == 1 { sent += 1 }
                nextByte = nextByte + every
            }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let wait = sent < body.count ? max(nextByte - clock.now, .zero) : .milliseconds(100)
            let milliseconds = Int32(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000)
            guard poll(&poller, 1, milliseconds) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 {
                received += buffer[..<count]
            } else {
                closed = true
            }
        }
        return Outcome(answer: String(decoding: received, as: UTF8.self), closed: closed, elapsed: clock.now - start, sent: sent)
    }
}
