/// Why a request to etcd got no answer the store can use. The message says what etcd (or the
/// network) answered, member by member, for the log and for a 503's body.
public enum EtcdError: Error, Sendable, CustomStringConvertible {
    /// No member answered in time, or every member answered that it cannot serve now (no leader,
    /// leader changed): a request made again later may succeed.
    case unreachable(String)
    /// A member answered and refused the request (bad request, permission denied): making it
    /// again will not help.
    case refused(String)

    public var description: String {
        switch self {
        case .unreachable(let message): "etcd is unreachable: \(message)"
        case .refused(let message): "etcd refused the request: \(message)"
        }
    }
}
