/// What the health checks currently believe about a backend.
public enum HealthStatus: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Not decided yet: no result since the check started. Treated as healthy (full weight), so a
    /// daemon restart over a working table changes nothing while the first checks run.
    case unknown
    /// `rise` consecutive successes (or the first success from unknown).
    case up
    /// `fall` consecutive failures (one, during the slow-start ramp): kernel weight 0.
    case down
    /// The operator asked for weight 0: the backend takes no new connections whatever its health.
    case draining

    public var description: String { rawValue }
}
