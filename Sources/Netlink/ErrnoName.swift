#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#endif

/// Symbolic names for the errno values netlink and IPVS return, so messages say `EEXIST`
/// rather than 17 and stay readable without a lookup table at hand.
package enum ErrnoName {
    package static func name(_ errno: Int32) -> String {
        switch errno {
        case EPERM: "EPERM"
        case ENOENT: "ENOENT"
        case ESRCH: "ESRCH"
        case EINTR: "EINTR"
        case EIO: "EIO"
        case EBADF: "EBADF"
        case EAGAIN: "EAGAIN"
        case ENOMEM: "ENOMEM"
        case EACCES: "EACCES"
        case EFAULT: "EFAULT"
        case EBUSY: "EBUSY"
        case EEXIST: "EEXIST"
        case EINVAL: "EINVAL"
        case ERANGE: "ERANGE"
        case EMSGSIZE: "EMSGSIZE"
        case ENOPROTOOPT: "ENOPROTOOPT"
        case EPROTONOSUPPORT: "EPROTONOSUPPORT"
        case EOPNOTSUPP: "EOPNOTSUPP"
        case EAFNOSUPPORT: "EAFNOSUPPORT"
        case ENOBUFS: "ENOBUFS"
        case ECONNREFUSED: "ECONNREFUSED"
        default: "errno \(errno)"
        }
    }

    /// `EEXIST (File exists)`.
    package static func describe(_ errno: Int32) -> String {
        guard let text = strerror(errno) else { return name(errno) }
        return "\(name(errno)) (\(String(cString: text)))"
    }
}
