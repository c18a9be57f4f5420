/// One backend's probe counters: how many checks ran, the current streak, the last result. They
/// change with every check, so they are read when asked for (``HealthMonitor/statistics(of:)``)
/// rather than published: a verdict that changed every second for 10,000 backends would make
/// every reader copy the whole table every time.
public struct ProbeStatistics: Sendable, Hashable {
    /// Successes among the last ``ResultWindow/capacity`` results (1 before any).
    public var health: Double
    public var consecutiveSuccesses: Int
    public var consecutiveFailures: Int
    public var checks: Int
    /// Wall-clock time of the last check, seconds since 1970; `nil` before the first.
    public var lastCheckTime: Double?
    public var lastLatency: Duration?
    /// The last failure's reason, kept after the backend recovers.
    public var lastError: String?

    /// The share of recent checks that passed; 1 before the first check (GORB said 0, so a new
    /// backend looked dead until checked).
    public var checkedHealth: Double { checks == 0 ? 1 : health }

    init(_ health: HealthState, at now: HealthState.Instant, wallNow: Double) {
        self.health = health.health
        consecutiveSuccesses = health.consecutiveSuccesses
        consecutiveFailures = health.consecutiveFailures
        checks = health.checks
        lastCheckTime = health.lastCheck.map { wallNow - WallClock.seconds(now - $0) }
        lastLatency = health.lastOutcome?.latency
        lastError = health.lastError
    }
}
