public import Spec

/// What the health checks publish about one backend: its status and what that does to its
/// weight. A value that changes only when the status or the weight does (a transition, a ramp
/// step), so publishing it costs nothing per check; the per-check counters are
/// ``ProbeStatistics``.
///
/// Verdicts go one way: ``HealthMonitor`` publishes them, the reconciler composes them with the
/// desired state (`Reconciler.Composition`), and nothing calls back into the checks.
public struct HealthVerdict: Sendable, Hashable {
    public var status: HealthStatus
    public var factor: HealthFactor
    /// Whether it counts towards its service's quorum: up, or not checked yet and not held down.
    public var countsAsHealthy: Bool
    /// The probe type (`tcp`, `https`, …).
    public var type: String
    /// Wall-clock time the backend last became up, seconds since 1970; `nil` unless up.
    public var upSince: Double?

    public init(status: HealthStatus, factor: HealthFactor, countsAsHealthy: Bool, type: String, upSince: Double? = nil) {
        self.status = status
        self.factor = factor
        self.countsAsHealthy = countsAsHealthy
        self.type = type
        self.upSince = upSince
    }

    /// True during the slow start after a recovery.
    public var ramping: Bool {
        if case .ramp = factor { return true }
        return false
    }

    /// Seconds the backend has been up at wall-clock time `now` (0 unless up).
    public func uptime(at now: Double) -> Double {
        upSince.map { max(0, now - $0) } ?? 0
    }

    /// A backend the checks have not seen yet (a config newer than the last verdicts): how it
    /// starts, by the same rule the monitor applies when it first meets it.
    public static func unchecked(_ backend: Backend) -> HealthVerdict {
        HealthVerdict(HealthState.starting(backend), pulse: backend.pulse, at: .zero, upSince: nil)
    }

    /// The verdict of `health` at monotonic instant `now`; `upSince` is the wall-clock time of
    /// its last recovery, taken once when it happened (so that it does not wobble with the clocks).
    init(_ health: HealthState, pulse: Pulse, at now: HealthState.Instant, upSince: Double?) {
        let rules = PulseRules(pulse)
        status = health.status
        factor = health.factor(at: now, pulse: rules)
        countsAsHealthy = health.countsAsHealthy
        type = pulse.type.rawValue
        self.upSince = health.status == .up ? upSince : nil
    }
}

/// Every checked backend's verdict, as ``HealthMonitor`` publishes it.
public struct HealthVerdicts: Sendable, Hashable {
    public var backends: [BackendKey: HealthVerdict]

    public init(_ backends: [BackendKey: HealthVerdict] = [:]) {
        self.backends = backends
    }

    public subscript(service: String, backend: String) -> HealthVerdict? {
        backends[BackendKey(service: service, backend: backend)]
    }
}
