#if canImport(Glibc)
import Glibc
#endif
public import Logging
public import NIOCore
public import ServiceLifecycle
public import Spec
import SeededRandom
import Synchronization

/// Runs every backend's health check and turns the results into kernel weights.
///
/// The reconciler asks ``weight(service:backend:)`` for each backend on every pass (a table
/// lookup under a lock: cheap, never blocking), and the monitor calls its change handler when a
/// weight changes (a backend goes down or up, a ramp step is due), so a health change costs one
/// pass and one `SET_DEST`. Checks follow the desired state through ``update(_:)``.
///
/// Scheduling is NIO scheduled tasks, one per backend, spread over the group's event loops: no
/// thread per check, no blocking call on a loop. The clock is injected, so tests drive the whole
/// monitor with a virtual-time event loop.
public final class HealthMonitor: Sendable, ServiceLifecycle.Service {
    private let group: any EventLoopGroup
    private let prober: any Prober
    private let clock: @Sendable () -> NIODeadline
    private let logger: Logger
    private let state = Mutex(State())

    private struct State: ~Copyable {
        var running = false
        var entries: [BackendKey: Entry] = [:]
        var services: [String: ServiceInfo] = [:]
        /// The services of the last config, to pass over the unchanged ones.
        var configured: [String: Spec.Service] = [:]
        var notifyPending = false
        var onChange: (@Sendable () async -> Void)?
        /// Jitter needs no cryptographic quality, and the system generator is a system call.
        var random = SplitMix64(seed: UInt64.random(in: 0...UInt64.max))
    }

    private struct ServiceInfo {
        var quorum: Int
        var backends: [BackendKey]
        var fallback: String?
    }

    private struct Entry {
        var backend: Backend
        var health = HealthState()
        var generation: Int
        var eventLoop: any EventLoop
        var nextCheck: Scheduled<Void>?
        var rampTimer: Scheduled<Void>?
        var phased = false

        var rules: PulseRules { PulseRules(backend.pulse) }

        /// Whether a new config's backend is still the same check (same target and probe):
        /// then its results still apply and its state is kept.
        func sameCheck(as other: Backend) -> Bool {
            backend.address == other.address && backend.port == other.port && backend.pulse.probe == other.pulse.probe
                && backend.fallback == other.fallback
        }

        func cancelTimers() {
            nextCheck?.cancel()
            rampTimer?.cancel()
        }
    }

    /// - Parameters:
    ///   - group: the event loops the checks run on.
    ///   - prober: runs the probes (``NIOProber`` in the daemon).
    ///   - clock: monotonic time; the event loop's own in tests (`NIOAsyncTestingEventLoop.now`).
    public init(
        group: any EventLoopGroup,
        prober: any Prober,
        clock: @escaping @Sendable () -> NIODeadline = { .now() },
        logger: Logger
    ) {
        self.group = group
        self.prober = prober
        self.clock = clock
        self.logger = logger
    }

    /// Who to tell when a weight changes (the controller's `trigger(.change)`). Calls coalesce:
    /// while one is pending, further changes do not queue more.
    public func onChange(_ handler: @escaping @Sendable () async -> Void) {
        state.withLock { $0.onChange = handler }
    }

    // MARK: - following the desired state

    /// Follows a new config: unchanged backends keep their state and schedule, changed targets
    /// or probes start over (unknown), removed backends stop, new ones start.
    public func update(_ config: Config) {
        let now = instant()
        state.withLock { state in
            var services: [String: ServiceInfo] = [:]
            var configured: [String: Spec.Service] = [:]
            services.reserveCapacity(config.services.count)
            configured.reserveCapacity(config.services.count)
            for service in config.services {
                configured[service.id] = service
                let old = state.configured.removeValue(forKey: service.id)
                // A REST API change or a reload touches few services of thousands: the others
                // keep their entries as they are (and compare in O(1) when they share storage).
                if let old, old == service, let info = state.services[service.id] {
                    services[service.id] = info
                    continue
                }
                var info = ServiceInfo(quorum: service.quorum, backends: [], fallback: nil)
                var seen = Set<String>()
                for backend in service.backends {
                    let key = BackendKey(service: service.id, backend: backend.id)
                    seen.insert(backend.id)
                    if backend.fallback { info.fallback = backend.id } else { info.backends.append(key) }
                    if var entry = state.entries[key] {
                        if entry.sameCheck(as: backend) {
                            let oldInterval = entry.backend.pulse.interval
                            entry.backend = backend
                            state.entries[key] = entry
                            // A shorter interval should not wait out the old, longer one.
                            if state.running, !backend.fallback, backend.pulse.interval < oldInterval {
                                entry.nextCheck?.cancel()
                                scheduleFirst(key, &state)
                            }
                            continue
                        }
                        entry.cancelTimers()
                        // A new check starts over, but from the weight the old one left in the
                        // kernel: a down backend stays out until the new check says otherwise.
                        let held = entry.health.weight(desired: entry.backend.weight, at: now, pulse: entry.rules)
                        entry = Entry(backend: backend, health: Self.resumed(backend, kernelWeight: held), generation: entry.generation + 1, eventLoop: entry.eventLoop)
                        state.entries[key] = entry
                    } else {
                        state.entries[key] = Entry(backend: backend, health: Self.fresh(backend), generation: 0, eventLoop: group.next())
                    }
                    if state.running, !backend.fallback { scheduleFirst(key, &state) }
                }
                for backend in old?.backends ?? [] where !seen.contains(backend.id) {
                    Self.forget(BackendKey(service: service.id, backend: backend.id), &state)
                }
                services[service.id] = info
            }
            // What is left was configured before and is not any more.
            for (id, service) in state.configured {
                for backend in service.backends { Self.forget(BackendKey(service: id, backend: backend.id), &state) }
            }
            state.services = services
            state.configured = configured
        }
    }

    /// The kernel's weights when the daemon starts (service id → backend id → weight): each
    /// backend not checked yet starts from the weight the kernel holds (see
    /// ``HealthState/init(resumingFrom:desired:)``), so a restart is hitless with checks on too:
    /// nothing the last run held down or mid-ramp gets more weight before its first check.
    /// Backends the kernel does not hold keep `pulse.initial`.
    public func resume(kernelWeights: [String: [String: Int32]]) {
        state.withLock { state in
            for (key, entry) in state.entries where entry.health.checks == 0 {
                guard let held = kernelWeights[key.service]?[key.backend] else { continue }
                state.entries[key]?.health = Self.resumed(entry.backend, kernelWeight: held)
            }
        }
    }

    /// How a backend new to the kernel starts.
    private static func fresh(_ backend: Backend) -> HealthState {
        guard backend.pulse.inhibit, backend.pulse.type != .none, !backend.fallback else { return HealthState() }
        return HealthState(initial: backend.pulse.initial)
    }

    /// How a backend the kernel holds at `kernelWeight` starts. A check of type `none` has
    /// nothing to wait for, and with `inhibit` off the checks never set the weight.
    private static func resumed(_ backend: Backend, kernelWeight: Int32) -> HealthState {
        guard backend.pulse.inhibit, backend.pulse.type != .none, !backend.fallback else { return HealthState() }
        return HealthState(resumingFrom: kernelWeight, desired: backend.weight)
    }

    /// Stops checking a backend that left the config.
    private static func forget(_ key: BackendKey, _ state: inout State) {
        state.entries[key]?.cancelTimers()
        state.entries[key] = nil
    }

    // MARK: - running

    /// Starts every check (each at a random offset within the first second).
    public func start() {
        state.withLock { state in
            guard !state.running else { return }
            state.running = true
            for (key, entry) in state.entries where !entry.backend.fallback {
                scheduleFirst(key, &state)
            }
        }
        logger.info("health checks started", metadata: ["backends": "\(state.withLock { $0.entries.count })"])
    }

    /// Stops every check; results still in flight are dropped.
    public func stop() {
        state.withLock { state in
            state.running = false
            for key in Array(state.entries.keys) {
                state.entries[key]?.cancelTimers()
                state.entries[key]?.nextCheck = nil
                state.entries[key]?.rampTimer = nil
            }
        }
    }

    /// As a lifecycle service: checks run until graceful shutdown or cancellation.
    public func run() async throws {
        start()
        try? await gracefulShutdown()
        stop()
        logger.info("health checks stopped")
    }

    private func scheduleFirst(_ key: BackendKey, _ state: inout State) {
        guard let entry = state.entries[key] else { return }
        let delay = CheckSchedule.firstDelay(interval: entry.backend.pulse.interval, using: &state.random)
        schedule(key, in: delay, &state)
    }

    private func schedule(_ key: BackendKey, in delay: Duration, _ state: inout State) {
        // No cancel of the previous task: it has fired (or was cancelled by whoever reset the
        // entry), and cancelling costs a scan of the loop's whole timer heap in NIO.
        guard var entry = state.entries[key] else { return }
        let generation = entry.generation
        entry.nextCheck = entry.eventLoop.scheduleTask(in: .nanoseconds(WeightRamp.nanoseconds(delay))) { [self] in
            self.check(key, generation: generation)
        }
        state.entries[key] = entry
    }

    /// Runs one probe (on the entry's event loop, from its scheduled task).
    private func check(_ key: BackendKey, generation: Int) {
        let job: (Backend, any EventLoop)? = state.withLock { state in
            guard state.running, let entry = state.entries[key], entry.generation == generation else { return nil }
            return (entry.backend, entry.eventLoop)
        }
        guard let (backend, eventLoop) = job else { return }
        prober.probe(backend.pulse.probe, backend: backend, timeout: backend.pulse.timeout, on: eventLoop)
            .whenComplete { [self] result in
                let outcome: ProbeOutcome
                switch result {
                case .success(let value): outcome = value
                case .failure(let error): outcome = .down("\(error)", latency: .zero)
                }
                self.record(key, generation: generation, outcome: outcome)
            }
    }

    private func record(_ key: BackendKey, generation: Int, outcome: ProbeOutcome) {
        let now = instant()
        var transition: (HealthStatus, HealthStatus)?
        let changed: Bool = state.withLock { state in
            guard state.running, var entry = state.entries[key], entry.generation == generation else { return false }
            let rules = entry.rules
            let desired = entry.backend.weight
            let before = entry.health.weight(desired: desired, at: now, pulse: rules)
            let statusBefore = entry.health.status
            let statusChanged = entry.health.record(outcome, at: now, pulse: rules)
            let after = entry.health.weight(desired: desired, at: now, pulse: rules)
            if statusChanged { transition = (statusBefore, entry.health.status) }

            // The next check.
            var delay: Duration
            if entry.health.status == .unknown {
                delay = CheckSchedule.unknownDelay(interval: rules.interval)
            } else if !entry.phased {
                entry.phased = true
                delay = CheckSchedule.rephaseDelay(interval: entry.health.nextDelay(pulse: rules), using: &state.random)
            } else {
                delay = CheckSchedule.jittered(entry.health.nextDelay(pulse: rules), using: &state.random)
            }
            // The period runs from the start of one check to the start of the next (GORB's ran
            // from the end, so a slow target was checked less often than asked).
            delay = max(delay - outcome.latency, .milliseconds(1))

            // The ramp's step timer.
            if statusChanged {
                entry.rampTimer?.cancel()
                entry.rampTimer = nil
            }
            state.entries[key] = entry
            if statusChanged, entry.health.status == .up { scheduleRampStep(key, now: now, &state) }
            schedule(key, in: delay, &state)
            return statusChanged || before != after
        }
        if let (from, to) = transition {
            var metadata: Logger.Metadata = ["backend": "\(key)", "from": "\(from)", "to": "\(to)"]
            if let error = outcome.error { metadata["error"] = "\(error)" }
            if to == .down { logger.warning("backend down", metadata: metadata) } else { logger.notice("backend \(to)", metadata: metadata) }
        }
        if changed { notify() }
    }

    private func scheduleRampStep(_ key: BackendKey, now: HealthState.Instant, _ state: inout State) {
        guard var entry = state.entries[key],
            let step = entry.health.nextRampStep(at: now, ramp: entry.backend.pulse.ramp)
        else { return }
        let generation = entry.generation
        let delay = max(step - now, .milliseconds(1))
        entry.rampTimer = entry.eventLoop.scheduleTask(in: .nanoseconds(WeightRamp.nanoseconds(delay))) { [self] in
            self.rampStep(key, generation: generation)
        }
        state.entries[key] = entry
    }

    private func rampStep(_ key: BackendKey, generation: Int) {
        let now = instant()
        let due: Bool = state.withLock { state in
            guard state.running, state.entries[key]?.generation == generation else { return false }
            state.entries[key]?.rampTimer = nil
            scheduleRampStep(key, now: now, &state)
            return true
        }
        if due { notify() }
    }

    private func notify() {
        let handler: (@Sendable () async -> Void)? = state.withLock { state in
            guard !state.notifyPending, let handler = state.onChange else { return nil }
            state.notifyPending = true
            return handler
        }
        guard let handler else { return }
        Task { [self] in
            self.state.withLock { $0.notifyPending = false }
            await handler()
        }
    }

    private func instant() -> HealthState.Instant {
        .nanoseconds(Int64(truncatingIfNeeded: clock().uptimeNanoseconds))
    }

    // MARK: - what the reconciler and the API read

    /// The weight the kernel should give `backend` now: the desired weight scaled by health and
    /// the ramp; for a fallback, its weight only while the service is below its quorum.
    public func weight(service: Spec.Service, backend: Backend) -> Int32 {
        let now = instant()
        return state.withLock { state in
            if backend.fallback {
                return Self.healthyCount(service.id, state) < service.quorum ? backend.weight : 0
            }
            guard let entry = state.entries[BackendKey(service: service.id, backend: backend.id)] else { return backend.weight }
            return entry.health.weight(desired: backend.weight, at: now, pulse: PulseRules(backend.pulse))
        }
    }

    private static func healthyCount(_ service: String, _ state: borrowing State) -> Int {
        guard let info = state.services[service] else { return 0 }
        var healthy = 0
        for key in info.backends {
            guard let entry = state.entries[key] else { continue }
            if entry.health.countsAsHealthy { healthy += 1 }
        }
        return healthy
    }

    /// Every backend's health, sorted by service and backend id.
    public func snapshot() -> [BackendHealth] {
        let now = instant()
        let wallNow = Self.wallClock()
        return state.withLock { state in
            state.entries.map { key, entry in Self.health(key, entry, fallbackActive: Self.fallbackActive(key, entry, state), now: now, wallNow: wallNow) }
                .sorted { ($0.key.service, $0.key.backend) < ($1.key.service, $1.key.backend) }
        }
    }

    /// One backend's health, or `nil` if the config has no such backend.
    public func health(of key: BackendKey) -> BackendHealth? {
        let now = instant()
        let wallNow = Self.wallClock()
        return state.withLock { state in
            state.entries[key].map { Self.health(key, $0, fallbackActive: Self.fallbackActive(key, $0, state), now: now, wallNow: wallNow) }
        }
    }

    private static func fallbackActive(_ key: BackendKey, _ entry: Entry, _ state: borrowing State) -> Bool {
        guard entry.backend.fallback, let info = state.services[key.service] else { return false }
        return healthyCount(key.service, state) < info.quorum
    }

    private static func health(_ key: BackendKey, _ entry: Entry, fallbackActive: Bool, now: HealthState.Instant, wallNow: Double) -> BackendHealth {
        let health = entry.health
        let rules = entry.rules
        var status = health.status
        if entry.backend.weight == 0, status != .down { status = .draining }
        return BackendHealth(
            key: key,
            status: status,
            fallback: entry.backend.fallback,
            type: entry.backend.pulse.type.rawValue,
            health: health.health,
            consecutiveSuccesses: health.consecutiveSuccesses,
            consecutiveFailures: health.consecutiveFailures,
            checks: health.checks,
            lastCheckTime: health.lastCheck.map { wallNow - seconds(now - $0) },
            lastLatency: health.lastOutcome?.latency,
            lastError: health.lastError,
            uptime: health.uptime(at: now),
            desiredWeight: entry.backend.weight,
            weight: entry.backend.fallback
                ? (fallbackActive ? entry.backend.weight : 0)
                : health.weight(desired: entry.backend.weight, at: now, pulse: rules),
            ramping: health.isRamping(at: now, ramp: rules.ramp)
        )
    }

    /// Each service's standing against its quorum.
    public func services() -> [ServiceHealth] {
        state.withLock { state in
            state.services.map { id, info in
                ServiceHealth(id: id, quorum: info.quorum, healthy: Self.healthyCount(id, state), total: info.backends.count, fallback: info.fallback)
            }
            .sorted { $0.id < $1.id }
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    private static func wallClock() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}

extension PulseRules {
    /// The rules of a resolved pulse.
    public init(_ pulse: Pulse) {
        self.init(interval: pulse.interval, rise: pulse.rise, fall: pulse.fall, ramp: pulse.ramp, inhibit: pulse.inhibit)
    }
}
