#if canImport(Glibc)
import Glibc
#endif
import Addresses
public import Hummingbird
import Spec

/// Where the REST API listens (`run -l`), and whether that is safe without a token.
///
/// The API drains backends and reloads the balancer, so a listener other hosts can reach needs a
/// token: ``isLocal`` is what `run` checks. A unix socket is local, and its file mode (0660) and
/// group say who may use it, which is how local tools (and the CLI) should talk to the daemon.
public enum Listener: Sendable, Hashable, CustomStringConvertible {
    /// `host:port`, `:port` (every interface, GORB's `-l :4672`), `[v6]:port`.
    case tcp(host: String, port: Int)
    /// `unix:/absolute/path`.
    case unix(path: String)

    /// `nil` for text that is none of the forms (`none` is handled by the caller: no listener).
    public static func parse(_ text: String) -> Listener? {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            // sun_path holds 108 bytes, the terminating NUL included.
            guard path.hasPrefix("/"), path.utf8.count < 108, !path.hasSuffix("/") else { return nil }
            return .unix(path: path)
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        return .tcp(host: host, port: port)
    }

    /// Reachable from this host only: a loopback address (127.0.0.0/8, ::1, `localhost`) or a
    /// unix socket.
    public var isLocal: Bool {
        switch self {
        case .unix:
            return true
        case .tcp(let host, _):
            if host.lowercased() == "localhost" { return true }
            guard let address = IPAddress(host) else { return false }
            if address.family == .ipv4 { return address.bytes[0] == 127 }
            // ::1, or an IPv4 loopback address mapped into IPv6 (::ffff:127.x.y.z).
            let mapped = address.bytes[0..<10].allSatisfy { $0 == 0 } && address.bytes[10] == 0xFF && address.bytes[11] == 0xFF
            return address.bytes == [UInt8](repeating: 0, count: 15) + [1] || (mapped && address.bytes[12] == 127)
        }
    }

    public var bindAddress: BindAddress {
        switch self {
        case .tcp(let host, let port): .hostname(host, port: port)
        case .unix(let path): .unixDomainSocket(path: path)
        }
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): "unix:\(path)"
        }
    }

    /// Before binding a unix socket: a socket file left by an earlier run is removed (binding
    /// would fail on it); anything else at the path is never deleted.
    public func prepare() throws(ListenerError) {
        guard case .unix(let path) = self else { return }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw ListenerError("-l \(self): \(path) exists and is not a socket; remove it or choose another path")
        }
        guard unlink(path) == 0 else {
            throw ListenerError("-l \(self): cannot remove the old socket \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Once bound: a unix socket gets mode 0660 and, with `group`, that group, so only the
    /// daemon's user and that group may connect.
    public func secure(group: String?) throws(ListenerError) {
        guard case .unix(let path) = self else { return }
        if let group {
            guard let entry = getgrnam(group) else { throw ListenerError("--api-socket-group: no such group '\(group)'") }
            guard chown(path, uid_t.max, entry.pointee.gr_gid) == 0 else {
                throw ListenerError("--api-socket-group: cannot give \(path) to group '\(group)': \(String(cString: strerror(errno)))")
            }
        }
        guard chmod(path, 0o660) == 0 else { throw ListenerError("-l \(self): cannot set the socket's mode: \(String(cString: strerror(errno)))") }
    }
}

/// Why the API cannot listen where it was told to.
public struct ListenerError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
