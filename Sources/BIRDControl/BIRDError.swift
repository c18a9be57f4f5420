/// What went wrong talking to BIRD, worded for `/status` and the log: what the daemon tried and
/// what BIRD (or the system) answered.
public enum BIRDError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The socket could not be reached: BIRD is not running, or the path or permissions are wrong.
    case unreachable(path: String, reason: String)
    /// BIRD did not answer in time.
    case timedOut(waitingFor: String)
    /// BIRD closed the connection (before its greeting or in the middle of a reply).
    case closed(waitingFor: String)
    /// A line that follows none of BIRD's reply forms.
    case malformed(String)
    /// BIRD answered with an error code (`8xxx`, `9xxx`) or an unexpected one.
    case rejected(command: String, reply: BIRDReply)
    /// Reading or writing the socket failed.
    case io(String)

    public var description: String {
        switch self {
        case .unreachable(let path, let reason): "cannot connect to BIRD at \(path): \(reason)"
        case .timedOut(let what): "BIRD did not answer in time (waiting for \(what))"
        case .closed(let what): "BIRD closed the connection (waiting for \(what))"
        case .malformed(let line): "BIRD sent a line that is not a reply: \(line.debugDescription)"
        case .rejected(let command, let reply): "BIRD refused '\(command)': \(reply)"
        case .io(let reason): "talking to BIRD failed: \(reason)"
        }
    }
}
