public import Logging
public import NIOCore
public import Publishing
public import ServiceLifecycle
public import Spec
import SeededRandom
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs every backend's health check and publishes what they find: one ``HealthVerdict`` per
/// backend in ``verdicts``, a value readers follow (the reconciler composes it with the desired
/// state; see ``HealthFactor``). The monitor never calls anyone back: it follows the desired
/// config it is given and publishes, nothing more.
///
/// Scheduling is NIO scheduled tasks, one per backend, spread over the group's event loops: no
/// thread per check, no blocking call on a loop. The clock is injected, so tests drive the whole
/// monitor with a virtual-time event loop. A verdict changes only on a transition or a ramp step;
/// changes that come in a burst (10,000 backends coming up at start) are published together.
public final class HealthMonitor: Sendable, ServiceLifecycle.Service {
    let group: any EventLoopGroup
    let prober: any Prober
    let clock: @Sendable () -> NIODeadline
    let wallClock: @Sendable () -> Double
    let logger: Logger
    let state = Mutex(State())
    /// The desired config to follow while running as a service (`nil`: tests call ``update(_:)``).
    private let desired: LatestValue<Config>?

    /// Every backend's verdict, published after each change (a burst of changes at once).
    public let verdicts: LatestValue<HealthVerdicts>
    /// The most probes in flight at once: each holds a socket, and a daemon out of descriptors
    /// can neither probe, nor serve its API, nor read /proc (libdispatch then aborts). Half of the
    /// process's descriptor limit, at most 8,192; a check that finds them all taken waits a few
    /// milliseconds.
    let probeLimit: Int

    struct State: ~Copyable {
        var running = false
        var entries = EntryTable<BackendKey, Entry>()
        /// The services of the last config, to pass over the unchanged ones.
        var configured: [String: Spec.Service] = [:]
        var verdicts: [BackendKey: HealthVerdict] = [:]
        /// Verdicts changed since the last publication; a publication is on its way.
        var changed = false
        var publishing = false
        /// Jitter needs no cryptographic quality, and the system generator is a system call.
        var random = SplitMix64(seed: UInt64.random(in: 0...UInt64.max))
        /// Probes started and not yet recorded (bounded by ``HealthMonitor/probeLimit``).
        var inFlight = 0
        /// Probes this host could not make (out of descriptors or memory), and when that was
        /// last logged.
        var notMade = 0
        var notMadeLogged: HealthState.Instant?
    }

    struct Entry {
        var backend: Backend
        var health = HealthState()
        var generation: Int
        var eventLoop: any EventLoop
        var nextCheck: Scheduled<Void>?
        var rampTimer: Scheduled<Void>?
        var phased = false
        /// Wall-clock time of the last recovery, taken when it happened.
        var upSince: Double?

        var rules: PulseRules { PulseRules(backend.pulse) }

        /// Whether a new config's backend is still the same check (same target and probe):
        /// then its state carries over; otherwise it starts over.
        func sameCheck(as other: Backend) -> Bool {
            backend.address == other.address && backend.port == other.port && backend.pulse.probe == other.pulse.probe
                && backend.fallback == other.fallback
        }

        /// A backend without a check is never scheduled: it is up from the start (see
        /// ``HealthState/unchecked(since:)``). Any other entry is returned as it is.
        func unchecked(since now: HealthState.Instant, wallNow: () -> Double) -> Entry {
            guard !isChecked, !backend.fallback else { return self }
            var entry = self
            entry.health = .unchecked(since: now)
            entry.upSince = wallNow()
            return entry
        }

        /// Whether it has a check to schedule: not a fallback (never probed), not `pulse: none`.
        var isChecked: Bool { Self.isChecked(backend) }

        static func isChecked(_ backend: Backend) -> Bool { !backend.fallback && backend.pulse.type != .none }

        func cancelTimers() {
            nextCheck?.cancel()
            rampTimer?.cancel()
        }
    }

    /// - Parameters:
    ///   - group: the event loops the checks run on.
    ///   - prober: runs the probes (``NIOProber`` in the daemon).
    ///   - clock: monotonic time; the event loop's own in tests (`NIOAsyncTestingEventLoop.now`).
    ///   - wallClock: seconds since 1970, for the times readers see (the last check, up since).
    ///   - desired: the desired config to follow while ``run()`` runs (the controller's).
    ///   - verdicts: where to publish (the daemon hands the same value to the controller).
    ///   - probeLimit: the most probes in flight at once (default: from the descriptor limit).
    public init(
        group: any EventLoopGroup,
        prober: any Prober,
        clock: @escaping @Sendable () -> NIODeadline = { .now() },
        wallClock: @escaping @Sendable () -> Double = WallClock.now,
        desired: LatestValue<Config>? = nil,
        publishingTo verdicts: LatestValue<HealthVerdicts> = LatestValue(HealthVerdicts()),
        probeLimit: Int? = nil,
        logger: Logger
    ) {
        self.group = group
        self.prober = prober
        self.clock = clock
        self.wallClock = wallClock
        self.desired = desired
        self.verdicts = verdicts
        self.logger = logger
        self.probeLimit = probeLimit ?? Self.probeLimit(descriptors: Self.descriptorLimit())
    }

    static func probeLimit(descriptors: Int) -> Int {
        max(16, min(8192, descriptors / 2))
    }

    /// The soft limit on open descriptors (`ulimit -n`).
    static func descriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1 << 20 }
        return Int(clamping: limit.rlim_cur)  // RLIM_INFINITY (all ones) clamps to Int.max
    }

    // MARK: - following the desired state

    /// Follows a new config: unchanged backends keep their state and schedule, changed targets
    /// or probes start over (unknown), removed backends stop, new ones start.
    public func update(_ config: Config) {
        let now = instant()
        withState { state in
            var configured: [String: Spec.Service] = [:]
            configured.reserveCapacity(config.services.count)
            for service in config.services {
                configured[service.id] = service
                let old = state.configured.removeValue(forKey: service.id)
                // A REST API change or a reload touches few services of thousands: the others
                // keep their entries as they are (and compare in O(1) when they share storage).
                if let old, old == service { continue }
                var seen = Set<String>()
                for backend in service.backends {
                    let key = BackendKey(service: service.id, backend: backend.id)
                    seen.insert(backend.id)
                    if var entry = state.entries[key] {
                        if entry.sameCheck(as: backend) {
                            let oldInterval = entry.backend.pulse.interval
                            entry.backend = backend
                            state.entries[key] = entry
                            refresh(key, now: now, &state)
                            // A shorter interval should not wait out the old, longer one.
                            if state.running, entry.isChecked, backend.pulse.interval < oldInterval {
                                entry.nextCheck?.cancel()
                                scheduleFirst(key, &state)
                            }
                            continue
                        }
                        entry.cancelTimers()
                        // A new check starts over, but from the weight the old one left in the
                        // kernel: a down backend stays out until the new check says otherwise.
                        let held = entry.health.weight(desired: entry.backend.weight, at: now, pulse: entry.rules)
                        entry = Entry(backend: backend, health: .resuming(backend, kernelWeight: held), generation: entry.generation + 1, eventLoop: entry.eventLoop)
                        state.entries[key] = entry.unchecked(since: now, wallNow: wallClock)
                    } else {
                        let entry = Entry(backend: backend, health: .starting(backend), generation: 0, eventLoop: group.next())
                        state.entries[key] = entry.unchecked(since: now, wallNow: wallClock)
                    }
                    refresh(key, now: now, &state)
                    if state.running, Entry.isChecked(backend) { scheduleFirst(key, &state) }
                }
                for backend in old?.backends ?? [] where !seen.contains(backend.id) {
                    forget(BackendKey(service: service.id, backend: backend.id), &state)
                }
            }
            // What is left was configured before and is not any more.
            for (id, service) in state.configured {
                for backend in service.backends { forget(BackendKey(service: id, backend: backend.id), &state) }
            }
            state.configured = configured
        }
    }

    /// The kernel's weights when the daemon starts (service id → backend id → weight): each
    /// backend not checked yet starts from the weight the kernel holds (see
    /// ``HealthState/init(resumingFrom:desired:)``), so a restart is hitless with checks on too:
    /// nothing the last run held down or mid-ramp gets more weight before its first check.
    /// Backends the kernel does not hold keep `pulse.initial`.
    public func resume(kernelWeights: [String: [String: Int32]]) {
        let now = instant()
        withState { state in
            for (key, entry) in state.entries where entry.health.checks == 0 && entry.isChecked {
                guard let held = kernelWeights[key.service]?[key.backend] else { continue }
                state.entries[key]?.health = .resuming(entry.backend, kernelWeight: held)
                refresh(key, now: now, &state)
            }
        }
    }

    /// Stops checking a backend that left the config.
    private func forget(_ key: BackendKey, _ state: inout State) {
        state.entries[key]?.cancelTimers()
        state.entries[key] = nil
        if state.verdicts.removeValue(forKey: key) != nil { state.changed = true }
    }

    // MARK: - running

    /// Starts every check (each at a random offset within the first second).
    public func start() {
        state.withLock { state in
            guard !state.running else { return }
            state.running = true
            for (key, entry) in state.entries where entry.isChecked {
                scheduleFirst(key, &state)
            }
        }
        let (backends, checked) = state.withLock { state in (state.entries.count, state.entries.count { $0.value.isChecked }) }
        logger.info("health checks started", metadata: ["backends": "\(backends)", "checked": "\(checked)"])
    }

    /// Stops every check; results still in flight are dropped.
    public func stop() {
        state.withLock { state in
            state.running = false
            for key in state.entries.keys {
                state.entries[key]?.cancelTimers()
                state.entries[key]?.nextCheck = nil
                state.entries[key]?.rampTimer = nil
            }
        }
    }

    /// As a lifecycle service: follows the desired config and checks until graceful shutdown or
    /// cancellation.
    public func run() async throws {
        if let desired { update(desired.current) }
        start()
        await cancelWhenGracefulShutdown { [self] in
            guard let desired else {
                try? await gracefulShutdown()
                return
            }
            for await config in desired.updates { update(config) }
        }
        stop()
        logger.info("health checks stopped")
    }

    // MARK: - what readers see

    /// One backend's probe counters, read now (see ``ProbeStatistics``); `nil` if it is not checked.
    public func statistics(of key: BackendKey) -> ProbeStatistics? {
        let now = instant()
        let wallNow = wallClock()
        return state.withLock { state in
            state.entries[key].map { ProbeStatistics($0.health, at: now, wallNow: wallNow) }
        }
    }

    /// The verdicts as they are at this instant, published or not yet (tests, and the first pass).
    public func currentVerdicts() -> HealthVerdicts {
        HealthVerdicts(state.withLock { $0.verdicts })
    }

    // MARK: - publishing

    /// Runs `body` under the lock, then publishes if it changed a verdict.
    func withState<Result>(_ body: (inout State) -> Result) -> Result {
        let (result, publish) = state.withLock { state in
            let result = body(&state)
            guard state.changed, !state.publishing else { return (result, false) }
            state.publishing = true
            return (result, true)
        }
        if publish { schedulePublication() }
        return result
    }

    /// How long changes gather before they go out together. Each publication costs a reader a
    /// copy of the whole table on the next change (10,000 backends flapping under load made that
    /// the checks' main cost), and costs the reconciler a pass; a tenth of a second is nothing
    /// next to checks that run every few seconds.
    static let publicationDelay: Duration = .milliseconds(100)

    /// Publishes on a task of its own, after ``publicationDelay``: every change made until then
    /// goes out in one value.
    private func schedulePublication() {
        Task { [self] in
            try? await Task.sleep(for: Self.publicationDelay)
            publishNow()
        }
    }

    /// Publishes the verdicts as they are now, without waiting for the coalescing task: before
    /// the daemon's first pass, so that it sees the weights the checks resumed from the kernel.
    public func publishNow() {
        // Under the lock, so that two publications can never go out in the wrong order.
        state.withLock { state in
            state.changed = false
            state.publishing = false
            verdicts.publish(HealthVerdicts(state.verdicts))
        }
    }

    /// Recomputes one backend's verdict after its state changed.
    func refresh(_ key: BackendKey, now: HealthState.Instant, _ state: inout State) {
        guard let entry = state.entries[key] else { return }
        let verdict = HealthVerdict(entry.health, pulse: entry.backend.pulse, at: now, upSince: entry.upSince)
        if state.verdicts[key] != verdict {
            state.verdicts[key] = verdict
            state.changed = true
        }
    }

    func instant() -> HealthState.Instant {
        .nanoseconds(Int64(truncatingIfNeeded: clock().uptimeNanoseconds))
    }
}

extension PulseRules {
    /// The rules of a resolved pulse.
    public init(_ pulse: Pulse) {
        self.init(interval: pulse.interval, rise: pulse.rise, fall: pulse.fall, ramp: pulse.ramp, inhibit: pulse.inhibit)
    }
}
