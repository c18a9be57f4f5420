import Logging
import NIOCore
import Spec
import Synchronization

/// The checks themselves: scheduling, one probe, recording its result, the ramp's step timer.
extension HealthMonitor {
    func scheduleFirst(_ key: BackendKey, _ state: inout State) {
        guard let entry = state.entries[key] else { return }
        let delay = CheckSchedule.firstDelay(interval: entry.backend.pulse.interval, backends: state.entries.count, using: &state.random)
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
            guard state.inFlight < probeLimit else {
                // As many probes in flight as sockets allowed: wait a moment instead of opening one more.
                schedule(key, in: CheckSchedule.busyDelay(using: &state.random), &state)
                return nil
            }
            state.inFlight += 1
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
        var notMade: Int?
        withState { state in
            state.inFlight -= 1
            guard state.running, var entry = state.entries[key], entry.generation == generation else { return }
            let rules = entry.rules
            if outcome.local {
                // Not a result: try again shortly, and say so now and then (not once per probe).
                state.notMade += 1
                if state.notMadeLogged.map({ now - $0 >= Self.notMadeLogInterval }) ?? true {
                    state.notMadeLogged = now
                    notMade = state.notMade
                }
                schedule(key, in: CheckSchedule.jittered(CheckSchedule.unknownDelay(interval: rules.interval), using: &state.random), &state)
                return
            }
            let statusBefore = entry.health.status
            let statusChanged = entry.health.record(outcome, at: now, pulse: rules)
            if statusChanged {
                transition = (statusBefore, entry.health.status)
                entry.upSince = entry.health.upSince.map { wallClock() - WallClock.seconds(now - $0) }
            }

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
            // Only a transition changes the verdict (a ramp step has its own timer): the other
            // checks, nearly all of them, cost no verdict at all.
            if statusChanged { refresh(key, now: now, &state) }
        }
        if let notMade {
            logger.warning("probes not made: this host is out of descriptors or memory; they do not count against the backends", metadata: ["error": "\(outcome.error ?? "-")", "not-made": "\(notMade)", "limit": "\(probeLimit) in flight"])
        }
        if let (from, to) = transition {
            var metadata: Logger.Metadata = ["backend": "\(key)", "from": "\(from)", "to": "\(to)"]
            if let error = outcome.error { metadata["error"] = "\(error)" }
            if to == .down { logger.warning("backend down", metadata: metadata) } else { logger.notice("backend \(to)", metadata: metadata) }
        }
    }

    /// How often the log says that probes could not be made.
    static let notMadeLogInterval = Duration.seconds(10)

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

    /// A ramp step is due: the verdict's factor moves on.
    private func rampStep(_ key: BackendKey, generation: Int) {
        let now = instant()
        withState { state in
            guard state.running, state.entries[key]?.generation == generation else { return }
            state.entries[key]?.rampTimer = nil
            scheduleRampStep(key, now: now, &state)
            refresh(key, now: now, &state)
        }
    }
}
