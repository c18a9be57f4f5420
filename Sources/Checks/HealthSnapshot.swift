/// One backend's health as the REST API and the metrics show it: a copy, safe to keep.
public struct BackendHealth: Sendable, Hashable {
    public var key: BackendKey
    public var status: HealthStatus
    /// The service's sorry server (never probed).
    public var fallback: Bool
    /// The probe type (`tcp`, `https`, …).
    public var type: String
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
    /// Seconds the backend has been up (0 unless up).
    public var uptime: Double
    /// The weight the file (or API) asks for, and the weight the kernel is given now.
    public var desiredWeight: Int32
    public var weight: Int32
    /// True during the slow start after a recovery.
    public var ramping: Bool
}

/// A service's standing against its quorum.
public struct ServiceHealth: Sendable, Hashable {
    public var id: String
    public var quorum: Int
    /// Backends up or not yet checked (fallbacks not counted).
    public var healthy: Int
    /// Backends that are not fallbacks.
    public var total: Int
    /// The fallback backend's id, if the service has one.
    public var fallback: String?

    /// At least `quorum` healthy backends.
    public var up: Bool { healthy >= quorum }
}
