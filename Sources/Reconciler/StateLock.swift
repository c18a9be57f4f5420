import Foundation

/// One writer at a time: the daemon holds an exclusive `flock(2)` on `lock` in the state
/// directory while it runs, so a one-shot `apply` (which sees no health checks and would undo the
/// daemon's health-driven weights) can tell that a daemon owns the kernel, and `plan` can ask the
/// daemon instead of guessing.
///
/// The kernel drops the lock when the process dies, however it dies: a stale lock file never
/// blocks anyone.
public final class StateLock: Sendable {
    /// The lock file's path.
    public let path: String
    private let fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    /// The lock file in `directory`.
    public static func path(in directory: String) -> String { directory + "/lock" }

    /// Why the lock could not be taken.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// Another process (a running daemon) holds it.
        case held(path: String)
        /// The file could not be opened or locked.
        case system(path: String, reason: String)

        public var description: String {
            switch self {
            case .held(let path): "another gorb-reconcile holds \(path): a daemon runs with this state directory"
            case .system(let path, let reason): "cannot lock \(path): \(reason)"
            }
        }
    }

    /// Takes the lock without waiting, creating the directory and the file if needed; held until
    /// the returned value is released (or the process ends).
    public static func acquire(directory: String) throws(Failure) -> StateLock {
        let path = path(in: directory)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .system(path: path, reason: "\(error)")
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .system(path: path, reason: String(cString: strerror(errno))) }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { throw .held(path: path) }
            throw .system(path: path, reason: String(cString: strerror(code)))
        }
        // Who holds it, for an operator reading the file; the lock itself is what counts.
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        return StateLock(path: path, fd: fd)
    }

    /// Whether another process holds the lock in `directory` now. A missing or unreadable file
    /// means no daemon (nothing to hold it).
    public static func isHeld(directory: String) -> Bool {
        let fd = open(path(in: directory), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        while flock(fd, LOCK_SH | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            return errno == EWOULDBLOCK
        }
        flock(fd, LOCK_UN)
        return false
    }
}
