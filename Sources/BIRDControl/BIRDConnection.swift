#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One connection to BIRD's control socket (`AF_UNIX`, stream), blocking with a deadline on every
/// wait: connect, read the `0001` greeting, send commands one line at a time, read each reply.
///
/// Blocking on purpose (it is small and obvious); callers run it off the concurrency pool (the
/// announcer uses NIO's thread pool), so a BIRD that hangs never holds a Swift task thread.
public final class BIRDConnection {
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let timeout: Duration
    /// BIRD's greeting, e.g. `BIRD 2.0.12 ready.`.
    public private(set) var greeting: String = ""

    /// Connects to `path` and waits for the greeting, at most `timeout` for each.
    public init(path: String, timeout: Duration = .seconds(5)) throws(BIRDError) {
        self.timeout = timeout
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .io("socket: \(Self.errnoText())") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw .unreachable(path: path, reason: "the path is too long for a unix socket")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in pathBytes.enumerated() { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let reason = Self.errnoText()
            close(fd)
            throw .unreachable(path: path, reason: reason)
        }
        do throws(BIRDError) {
            let hello = try readReply(waitingFor: "its greeting")
            guard hello.code == 1 else { throw .rejected(command: "(greeting)", reply: hello) }
            greeting = hello.lines.joined(separator: " ")
        } catch {
            close(fd)
            fd = -1
            throw error
        }
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Sends one command and returns BIRD's complete reply, whatever its code.
    public func send(_ command: String) throws(BIRDError) -> BIRDReply {
        guard !command.contains("\n") else { throw .io("a command is one line") }
        let bytes = Array((command + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { socketSend(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE || errno == ECONNRESET { throw .closed(waitingFor: "'\(command)' to be sent") }
                throw .io("send: \(Self.errnoText())")
            }
            offset += written
        }
        return try readReply(waitingFor: "the reply to '\(command)'")
    }

    private func readReply(waitingFor what: String) throws(BIRDError) -> BIRDReply {
        var reader = BIRDReplyReader()
        let deadline = ContinuousClock.now + timeout
        while true {
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                if let reply = try reader.feed(line) { return reply }
            }
            try fill(until: deadline, waitingFor: what)
        }
    }

    /// Reads what is there, waiting at most until `deadline`.
    private func fill(until deadline: ContinuousClock.Instant, waitingFor what: String) throws(BIRDError) {
        let left = deadline - .now
        guard left > .zero else { throw .timedOut(waitingFor: what) }
        let (seconds, attoseconds) = left.components
        let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, milliseconds)
        if ready < 0 {
            if errno == EINTR { return }
            throw .io("poll: \(Self.errnoText())")
        }
        if ready == 0 { throw .timedOut(waitingFor: what) }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0 {
            if errno == EINTR || errno == EAGAIN { return }
            if errno == ECONNRESET { throw .closed(waitingFor: what) }
            throw .io("recv: \(Self.errnoText())")
        }
        if count == 0 { throw .closed(waitingFor: what) }
        buffer.append(contentsOf: chunk[..<count])
        if buffer.count > 1 << 20 { throw .malformed("a line longer than 1 MiB") }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// `send(2)` without `SIGPIPE`, named apart from ``BIRDConnection/send(_:)``.
private func socketSend(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    send(fd, bytes, count, Int32(MSG_NOSIGNAL))
}

extension BIRDConnection {
    /// `configure`: BIRD re-reads its configuration (and with it the routes file). Returns BIRD's
    /// success reply: `0003 Reconfigured`, or `0004`/`0005` (in progress, queued: BIRD has taken
    /// the new configuration and applies it by itself); anything else is thrown.
    public func configure() throws(BIRDError) -> BIRDReply {
        let reply = try send("configure")
        guard [3, 4, 5].contains(reply.code) else { throw .rejected(command: "configure", reply: reply) }
        return reply
    }
}

/// One `configure` over a fresh connection: what the announcer does after writing the routes file.
public func birdConfigure(socket path: String, timeout: Duration = .seconds(5)) throws(BIRDError) -> BIRDReply {
    let connection = try BIRDConnection(path: path, timeout: timeout)
    return try connection.configure()
}
