import NIOCore
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// Turns the errors of connects, reads and TLS into the short reasons shown as `lastError`.
enum ProbeError {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let io as IOError:
            return errnoText(io.errnoCode)
        case ChannelError.connectTimeout:
            return "connect timeout"
        case ChannelError.eof, ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed:
            return "connection closed"
        case let ssl as NIOSSLError:
            return "TLS: \(ssl)"
        case let ssl as BoringSSLError:
            return "TLS: \(ssl)"
        default:
            return "\(error)"
        }
    }

    /// Whether `error` is this host's (out of descriptors or memory) rather than the backend's.
    static func isLocal(_ error: any Error) -> Bool {
        guard let io = error as? IOError else { return false }
        return [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(io.errnoCode)
    }

    static func errnoText(_ code: CInt) -> String {
        switch code {
        case ECONNREFUSED: "connection refused"
        case ECONNRESET: "connection reset"
        case ETIMEDOUT: "connect timeout"
        case EHOSTUNREACH: "host unreachable"
        case ENETUNREACH: "network unreachable"
        case EADDRNOTAVAIL: "address not available"
        case EPIPE: "broken pipe"
        default: String(cString: strerror(code))
        }
    }
}
