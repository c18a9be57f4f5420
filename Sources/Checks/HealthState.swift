public import Spec

/// One backend's health: the rise/fall state machine, the slow-start ramp and the back-off, as a
/// pure value. Time comes in as an argument (a monotonic instant), so every rule is tested with
/// tables and no sleeping.
///
/// Rules:
/// - From ``HealthStatus/unknown``: the first success makes the backend up at once, without a
///   ramp (it was never out of the pool); `fall` consecutive failures make it down.
/// - Up: `fall` consecutive failures make it down; weight 0 at once.
/// - Up and still ramping (a recovery less than `ramp` ago): one failure is enough. A backend that
///   just came back and fails again is flapping; GORB left such a backend at its partly restored
///   weight.
/// - Down: `rise` consecutive successes make it up, and the ramp starts.
/// - While down with no success in a row, checks back off (``Backoff``).
/// - A restart does not undo health: a backend the kernel holds below its weight starts unknown
///   with that weight as its ceiling (see ``init(resumingFrom:desired:)``), and its first verdict
///   continues from there: down (0) needs `rise` successes and then the ramp; mid-ramp resumes
///   the ramp at the step the kernel held. `pulse.initial: down` is the ceiling 0 for a new
///   backend.
public struct HealthState: Sendable, Hashable {
    public private(set) var status: HealthStatus = .unknown
    public private(set) var consecutiveSuccesses = 0
    public private(set) var consecutiveFailures = 0
    /// When the backend last became up (the ramp and the uptime count from here).
    public private(set) var upSince: Instant?
    /// True while `upSince` came from a recovery (down → up): only then does the ramp apply.
    public private(set) var recovering = false
    public private(set) var checks = 0
    public private(set) var lastCheck: Instant?
    public private(set) var lastOutcome: ProbeOutcome?
    /// The text of the most recent failure (kept after a success, for the API).
    public private(set) var lastError: String?
    /// The last ``window`` results, oldest first, for ``health``.
    public private(set) var recent = ResultWindow()

    /// While unknown, the most weight the backend may have: what the kernel held when the checks
    /// (re)started. `nil`: none (a new backend starts at its full weight, as in GORB).
    public private(set) var ceiling: Int32?
    /// The ramp step the ceiling stands for (0 for a ceiling of 0).
    private var resumeStep: Int64 = 0

    public typealias Instant = Duration

    public init() {}

    /// A backend new to the kernel, as `pulse.initial` says.
    public init(initial: InitialHealth) {
        if initial == .down { ceiling = 0 }
    }

    /// A backend the kernel already holds at `kernelWeight` while the file (or API) says
    /// `desired`: below it, the checks start from there instead of from full weight, so a restart
    /// of the daemon never puts a down backend back in service, or skips the rest of a ramp.
    public init(resumingFrom kernelWeight: Int32, desired: Int32) {
        guard kernelWeight < desired else { return }
        ceiling = max(0, kernelWeight)
        resumeStep = WeightRamp.step(atMost: kernelWeight, desired: desired)
    }

    /// How a backend new to the checks starts: as `pulse.initial` says, when the checks may set
    /// its weight at all (a check of type `none` has nothing to wait for, with `inhibit` off the
    /// checks never set the weight, and a fallback is never probed).
    public static func starting(_ backend: Backend) -> HealthState {
        guard backend.pulse.inhibit, backend.pulse.type != .none, !backend.fallback else { return HealthState() }
        return HealthState(initial: backend.pulse.initial)
    }

    /// How a backend the kernel holds at `kernelWeight` starts (the same exceptions as
    /// ``starting(_:)``).
    public static func resuming(_ backend: Backend, kernelWeight: Int32) -> HealthState {
        guard backend.pulse.inhibit, backend.pulse.type != .none, !backend.fallback else { return HealthState() }
        return HealthState(resumingFrom: kernelWeight, desired: backend.weight)
    }

    /// A backend without a check (`pulse: none`): up from the moment it is configured, as
    /// nothing will ever say otherwise. It is never scheduled, so it costs no timer and no probe
    /// (100,000 such backends "probed" every interval were a third of a large daemon's CPU).
    public static func unchecked(since now: Instant) -> HealthState {
        var state = HealthState()
        state.becomeUp(at: now, recovering: false)
        return state
    }

    /// Whether it counts towards its service's quorum: up, or not checked yet and not held down.
    public var countsAsHealthy: Bool {
        status == .up || (status == .unknown && ceiling != 0)
    }

    /// Records one probe result at `now`; returns true when the status changed.
    @discardableResult
    public mutating func record(_ outcome: ProbeOutcome, at now: Instant, pulse: PulseRules) -> Bool {
        checks += 1
        lastCheck = now
        lastOutcome = outcome
        recent.append(outcome.success)
        let before = status
        if outcome.success {
            consecutiveSuccesses += 1
            consecutiveFailures = 0
            switch status {
            case .unknown:
                switch ceiling {
                case nil:
                    becomeUp(at: now, recovering: false)
                case 0?:
                    // Held down: this is the first of the `rise` successes a down backend needs.
                    if consecutiveSuccesses >= pulse.rise { becomeUp(at: now, recovering: true) } else { becomeDown() }
                case _?:
                    // Mid-ramp: the ramp goes on from the step the kernel held.
                    becomeUp(at: now - WeightRamp.start(ofStep: resumeStep, ramp: pulse.ramp), recovering: true)
                }
            case .down:
                if consecutiveSuccesses >= pulse.rise { becomeUp(at: now, recovering: true) }
            case .up, .draining:
                break
            }
        } else {
            lastError = outcome.error ?? "failed"
            consecutiveFailures += 1
            consecutiveSuccesses = 0
            switch status {
            case .unknown where ceiling != nil:
                // It was down or still ramping before: one failure confirms it.
                becomeDown()
            case .unknown, .up:
                if consecutiveFailures >= pulse.fall || isRamping(at: now, ramp: pulse.ramp) { becomeDown() }
            case .down, .draining:
                break
            }
        }
        return status != before
    }

    private mutating func becomeUp(at now: Instant, recovering: Bool) {
        ceiling = nil
        status = .up
        upSince = now
        self.recovering = recovering
    }

    private mutating func becomeDown() {
        ceiling = nil
        status = .down
        upSince = nil
        recovering = false
    }

    /// True during the slow start that follows a recovery.
    public func isRamping(at now: Instant, ramp: Duration) -> Bool {
        guard status == .up, recovering, let upSince else { return false }
        return now - upSince < ramp
    }

    /// The kernel weight for a backend whose file (or API) weight is `desired`.
    ///
    /// Unknown and up backends get `desired` (scaled by the ramp after a recovery), down ones 0.
    /// With `inhibit` off the checks only observe: `desired`, always.
    public func weight(desired: Int32, at now: Instant, pulse: PulseRules) -> Int32 {
        factor(at: now, pulse: pulse).weight(desired: desired)
    }

    /// What health does to the weight now (see ``HealthFactor``).
    public func factor(at now: Instant, pulse: PulseRules) -> HealthFactor {
        guard pulse.inhibit else { return .full }
        switch status {
        case .down:
            return .out
        case .unknown:
            return ceiling.map { .ceiling($0) } ?? .full
        case .draining:
            return .full
        case .up:
            guard recovering, let upSince, let step = WeightRamp.step(elapsed: now - upSince, ramp: pulse.ramp) else { return .full }
            return .ramp(step: Int(step))
        }
    }

    /// When the ramp's next step is due (the weight changes then), or `nil` if it is not ramping.
    public func nextRampStep(at now: Instant, ramp: Duration) -> Instant? {
        guard status == .up, recovering, let upSince else { return nil }
        return WeightRamp.nextStep(elapsed: now - upSince, ramp: ramp).map { upSince + $0 }
    }

    /// How long to wait before the next check (before jitter).
    public func nextDelay(pulse: PulseRules) -> Duration {
        guard status == .down, consecutiveSuccesses == 0 else { return pulse.interval }
        return Backoff.delay(interval: pulse.interval, failuresBeyondFall: max(0, consecutiveFailures - pulse.fall))
    }

    /// Seconds since the backend became up (0 unless up). GORB added seconds into a nanosecond
    /// field; this is plain seconds.
    public func uptime(at now: Instant) -> Double {
        guard status == .up, let upSince else { return 0 }
        let (seconds, attoseconds) = (now - upSince).components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The fraction of successes among the recent results (1 before any result).
    public var health: Double { recent.successRatio }
}

/// The rules of a pulse that the state machine needs, taken from ``Spec/Pulse``.
public struct PulseRules: Sendable, Hashable {
    public var interval: Duration
    public var rise: Int
    public var fall: Int
    public var ramp: Duration
    public var inhibit: Bool

    public init(interval: Duration, rise: Int, fall: Int, ramp: Duration, inhibit: Bool = true) {
        self.interval = interval
        self.rise = max(1, rise)
        self.fall = max(1, fall)
        self.ramp = ramp
        self.inhibit = inhibit
    }
}
