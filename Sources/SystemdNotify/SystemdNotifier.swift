#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// systemd's notification protocol (`sd_notify(3)`), spoken directly: newline-separated
/// `KEY=VALUE` lines in one datagram to the unix socket named by `$NOTIFY_SOCKET` (a path, or an
/// abstract name when it starts with `@`).
///
/// Without `$NOTIFY_SOCKET` (not run by systemd, or not `Type=notify`) there is no notifier and
/// nothing is sent. Sending never blocks and never fails loudly: systemd not listening must not
/// stop the daemon; ``send(_:)`` reports the errno for logs and tests.
public struct SystemdNotifier: Sendable {
    /// The socket address as given (`/run/systemd/notify` or `@name`).
    public let socketPath: String
    /// Half of `$WATCHDOG_USEC` when the watchdog is on for this process: how often to send
    /// `WATCHDOG=1` (systemd's advice, `sd_watchdog_enabled(3)`).
    public let watchdogInterval: Duration?

    /// The notifier systemd asked for in `environment`; `nil` when `NOTIFY_SOCKET` is unset or
    /// empty.
    ///
    /// - Parameter processID: this process, to honour `WATCHDOG_PID` (a watchdog meant for
    ///   another process of the service is not ours); this process when `nil`.
    public init?(environment: [String: String], processID: Int32? = nil) {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty,
              path.hasPrefix("/") || path.hasPrefix("@")
        else { return nil }
        socketPath = path
        watchdogInterval = Self.watchdogInterval(environment: environment, processID: processID ?? getpid())
    }

    /// Half of `WATCHDOG_USEC`, when it is set, positive, and `WATCHDOG_PID` (if set) is us.
    public static func watchdogInterval(environment: [String: String], processID: Int32) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = UInt64(text), microseconds > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], !pid.isEmpty, Int32(pid) != processID { return nil }
        return .microseconds(Int64(clamping: microseconds / 2))
    }

    /// Why a notification was not delivered (the errno, named).
    public struct Failure: Error, Sendable, CustomStringConvertible, Equatable {
        public var errno: Int32
        public var description: String { "cannot notify systemd: \(String(cString: strerror(errno)))" }
    }

    /// Sends one notification: the state lines joined by newlines, in one datagram.
    @discardableResult
    public func send(_ states: [NotifyState]) -> Failure? {
        send(states.map(\.line).joined(separator: "\n"))
    }

    /// Sends one raw message.
    @discardableResult
    public func send(_ message: String) -> Failure? {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return Failure(errno: errno) }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var name = Array(socketPath.utf8)
        let abstract = name.first == UInt8(ascii: "@")
        if abstract { name[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard name.count < capacity || (abstract && name.count <= capacity) else { return Failure(errno: ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: name)
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
        // A path is NUL-terminated; an abstract name is exactly its bytes long.
        let length = socklen_t(pathOffset + name.count + (abstract ? 0 : 1))
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { buffer in
                    sendto(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), socketAddress, length)
                }
            }
        }
        return sent < 0 ? Failure(errno: errno) : nil
    }
}

/// One line of a notification.
public enum NotifyState: Sendable, Equatable {
    /// `READY=1`: start-up (or a reload) has finished.
    case ready
    /// `RELOADING=1`: a reload began; `MONOTONIC_USEC` says when (CLOCK_MONOTONIC), as
    /// `Type=notify-reload` requires and `Type=notify` accepts.
    case reloading(monotonicMicroseconds: UInt64)
    /// `STOPPING=1`.
    case stopping
    /// `STATUS=…`: one line for `systemctl status`.
    case status(String)
    /// `WATCHDOG=1`: still alive.
    case watchdog

    public var line: String {
        switch self {
        case .ready: "READY=1"
        case .reloading(let microseconds): "RELOADING=1\nMONOTONIC_USEC=\(microseconds)"
        case .stopping: "STOPPING=1"
        case .status(let text): "STATUS=" + text.split(whereSeparator: \.isNewline).joined(separator: " ")
        case .watchdog: "WATCHDOG=1"
        }
    }

    /// `RELOADING=1` stamped with CLOCK_MONOTONIC now.
    public static func reloadingNow() -> NotifyState {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return .reloading(monotonicMicroseconds: UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000)
    }
}
