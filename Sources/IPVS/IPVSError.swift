#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#endif
import Netlink

/// Why an IPVS operation failed, in words an operator can act on.
///
/// Kernel refusals keep their errno (``errno``) so programs can branch on it and tests can
/// check that the fake and the kernel fail the same way; ``description`` names the request
/// (as the equivalent `ipvsadm` command), the cause and the remedy.
public struct IPVSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: Sendable, Hashable {
        /// EEXIST on a service command: the service is already there.
        case serviceExists
        /// ESRCH: the service does not exist.
        case serviceNotFound
        /// EEXIST on a destination command.
        case destinationExists
        /// ENOENT on a destination command.
        case destinationNotFound
        /// ENOENT on a service command: the scheduler or persistence engine module is missing.
        case schedulerOrEngineNotFound
        /// ERANGE: negative weight, or lower threshold above the upper one.
        case outOfRange
        /// EINVAL: missing or inconsistent fields.
        case invalidArgument
        /// EPERM / EACCES: not privileged.
        case permissionDenied
        /// EAFNOSUPPORT: the kernel does not support the address family.
        case addressFamilyNotSupported
        /// Another errno from the kernel.
        case otherKernelError
        /// The kernel has no IPVS (no generic netlink family "IPVS").
        case ipvsUnavailable
        /// The netlink socket failed, or the kernel dropped replies: state unknown.
        case transport
        /// The kernel's reply could not be decoded.
        case malformedReply
    }

    /// The kind of failure.
    public var code: Code
    /// The kernel's errno for kernel refusals (`nil` for transport and decoding failures).
    public var errno: Int32?
    /// The request that failed, as an `ipvsadm` command line or a short description.
    public var operation: String
    /// The explanation, with what to do about it.
    public var message: String

    public init(code: Code, errno: Int32?, operation: String, message: String) {
        self.code = code
        self.errno = errno
        self.operation = operation
        self.message = message
    }

    public var description: String {
        var text = operation.isEmpty ? message : "\(operation): \(message)"
        if let errno { text += " (\(ErrnoName.name(errno)))" }
        return text
    }

    /// Translates a kernel errno for `change` (or for a read when `change` is `nil`).
    package static func kernel(errno: Int32, operation: String, change: IPVSChange?, kernelMessage: String? = nil) -> IPVSError {
        let destination = change?.isDestinationChange ?? false
        let (code, message): (Code, String)
        switch errno {
        case EEXIST where destination:
            (code, message) = (.destinationExists, "the destination already exists in this service")
        case EEXIST:
            (code, message) = (.serviceExists, "the virtual service already exists")
        case ESRCH:
            (code, message) = (.serviceNotFound, "the virtual service does not exist")
        case ENOENT where destination:
            (code, message) = (.destinationNotFound, "the destination does not exist in this service")
        case ENOENT:
            var text = "the kernel has no such scheduler or persistence engine"
            switch change {
            case .addService(let service)?, .updateService(let service)?: text = Self.missingModule(service)
            default: break
            }
            (code, message) = (.schedulerOrEngineNotFound, text)
        case ERANGE:
            (code, message) = (.outOfRange, "the weight must not be negative and the lower threshold must not exceed the upper threshold")
        case EINVAL:
            (code, message) = (
                .invalidArgument,
                "the kernel rejected the request as invalid: a required field is missing, the IPv6 persistence "
                    + "prefix is not 1-128, a name is longer than 15 characters, the destination address is not unicast, "
                    + "a destination of another address family needs tunnel forwarding, or a GUE tunnel needs a port"
            )
        case EPERM, EACCES:
            (code, message) = (.permissionDenied, "managing IPVS needs CAP_NET_ADMIN (run as root)")
        case EAFNOSUPPORT:
            (code, message) = (.addressFamilyNotSupported, "the kernel's IPVS does not support this address family (IPv6 support not built in?)")
        default:
            (code, message) = (.otherKernelError, "the kernel refused the request: \(ErrnoName.describe(errno))")
        }
        var full = message
        if let kernelMessage, !kernelMessage.isEmpty { full += " (kernel: \(kernelMessage))" }
        return IPVSError(code: code, errno: errno, operation: operation, message: full)
    }

    private static func missingModule(_ service: IPVSService) -> String {
        var text = "scheduler module ip_vs_\(service.scheduler) not found: check the scheduler name "
            + "(rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh twos) or load it (modprobe ip_vs_\(service.scheduler))"
        if let engine = service.persistenceEngine, !engine.isEmpty {
            text += ", or the persistence engine module ip_vs_pe_\(engine) is missing (modprobe ip_vs_pe_\(engine))"
        }
        return text
    }

    /// The kernel has no IPVS.
    static let unavailable = IPVSError(
        code: .ipvsUnavailable,
        errno: nil,
        operation: "",
        message: "the kernel has no IPVS support: load the ip_vs module (modprobe ip_vs)"
    )

    /// Wraps a netlink failure during `operation`.
    static func netlink(_ error: NetlinkError, operation: String, change: IPVSChange?) -> IPVSError {
        switch error {
        case .kernel(let errno, _, let message):
            return kernel(errno: errno, operation: operation, change: change, kernelMessage: message)
        case .familyNotFound:
            return unavailable
        case .malformed(let decoding):
            return IPVSError(code: .malformedReply, errno: nil, operation: operation, message: "the kernel's reply could not be decoded: \(decoding)")
        case .systemCall(_, let errno) where errno == EPERM || errno == EACCES:
            return IPVSError(code: .permissionDenied, errno: errno, operation: operation, message: "managing IPVS needs CAP_NET_ADMIN (run as root)")
        default:
            return IPVSError(code: .transport, errno: nil, operation: operation, message: error.description)
        }
    }
}
