public import IPVS
public import Logging
public import Spec
public import YAMLBridge

/// The daemon's loop: one reconcile pass at a time, triggered by start-up, `SIGHUP`, the resync
/// timer, other modules (health checks, REST API), override expiry and retries after a failure.
///
/// Passes never overlap (the actor runs one at a time) and triggers that arrive during a pass
/// coalesce into one more pass. A failed pass is retried with exponential back-off (1s doubling
/// to 60s); the resync timer repairs drift however quiet things are. Modelled on kube-proxy's
/// bounded-frequency runner and controller-runtime's level-based reconcile.
///
/// It also owns the desired state: the last good file, the REST API's overlay on top of it, and
/// the effective config that results, so a change and the pass that applies it see one state.
public actor Controller {
    /// Why a pass runs; several pending triggers are served by one pass.
    public enum Trigger: Sendable, Hashable {
        /// Re-read the config file first (`SIGHUP`, `POST /reload`).
        case reload
        /// Something else changed the desired state (health, API).
        case change
        /// The periodic resync.
        case resync
    }

    private let reconciler: Reconciler
    private let loadFile: @Sendable () throws(Diagnostics) -> ValidatedFile
    private let logger: Logger
    private let resyncOverride: Duration?
    private let weights: @Sendable (Service, Backend) -> Int32
    private let onConfig: @Sendable (Config) -> Void
    private var file: ValidatedFile
    private var config: Config
    /// How `config` was resolved, when a REST API change resolved it: the next change reuses
    /// every service it does not touch.
    private var resolution: Resolution?
    private(set) public var overlay: Overlay
    private var pending: Set<Trigger> = [.change]
    private var waiter: CheckedContinuation<Void, Never>?
    private var passWaiters: [(ticket: Int, continuation: CheckedContinuation<PassReport?, Never>)] = []
    private var stopping = false
    private(set) public var status: ControllerStatus

    /// - Parameters:
    ///   - initial: the file validated at start (the daemon refuses to start without one).
    ///   - overlay: the REST API's overrides saved by the last run (``StateStore/loadOverlay()``).
    ///   - loadFile: re-reads the file on `SIGHUP`.
    ///   - resync: overrides `settings.resync`.
    ///   - weights: the weight to give each backend now (the health checks scale the file's
    ///     weight); called during every pass, so it must be cheap and non-blocking.
    ///   - onConfig: told about every config that takes effect (the initial one included), so
    ///     other modules (health checks) follow the desired state.
    public init(
        reconciler: Reconciler,
        initial: ValidatedFile,
        overlay: Overlay = Overlay(),
        loadFile: @escaping @Sendable () throws(Diagnostics) -> ValidatedFile,
        resync: Duration? = nil,
        weights: @escaping @Sendable (Service, Backend) -> Int32 = { _, backend in backend.weight },
        onConfig: @escaping @Sendable (Config) -> Void = { _ in },
        logger: Logger
    ) {
        self.reconciler = reconciler
        self.file = initial
        self.overlay = overlay
        self.loadFile = loadFile
        self.resyncOverride = resync
        self.weights = weights
        self.onConfig = onConfig
        self.logger = logger
        let (config, problems) = initial.applying(overlay)
        self.config = config
        self.status = ControllerStatus(configPath: initial.path, overlayProblems: problems, lastReloadAt: reconciler.now())
        for problem in problems { logger.warning("override not in force", metadata: ["override": "\(problem)"]) }
        onConfig(config)
    }

    /// Asks for a pass; returns at once. Safe to call from anywhere, any number of times.
    ///
    /// - Returns: a ticket for ``waitForPass(_:)``: the pass that serves this trigger (passes run
    ///   on this actor, so none is half done when a trigger arrives).
    @discardableResult
    public func trigger(_ trigger: Trigger) -> Int {
        pending.insert(trigger)
        waiter?.resume()
        waiter = nil
        return status.passes + 1
    }

    /// Runs passes until the task is cancelled (SIGTERM/SIGINT through the service group). The
    /// kernel is left as it is on exit: a restart over it changes nothing (hitless).
    public func run() async {
        var backoff: Duration = .seconds(1)
        var retryAt: ContinuousClock.Instant?
        await withTaskCancellationHandler(operation: {
            while !Task.isCancelled && !stopping {
                let triggers = await nextTriggers(retryAt: retryAt)
                if Task.isCancelled || stopping { break }
                if triggers.contains(.reload) { reload() }
                expireOverrides()
                if runPass(repairing: triggers == [.resync]) {
                    backoff = .seconds(1)
                    retryAt = nil
                } else {
                    retryAt = .now + backoff
                    logger.warning("pass failed; retrying", metadata: ["in": "\(backoff)"])
                    backoff = min(backoff * 2, .seconds(60))
                }
            }
        }, onCancel: {
            Task { await self.stop() }
        })
        for waiter in passWaiters { waiter.continuation.resume(returning: nil) }
        passWaiters = []
    }

    private func stop() {
        stopping = true
        waiter?.resume()
        waiter = nil
    }

    /// Waits for a trigger, the resync timer, a drain re-check, an override's expiry, or the retry
    /// time.
    private func nextTriggers(retryAt: ContinuousClock.Instant?) async -> Set<Trigger> {
        if pending.isEmpty {
            var wait = resyncOverride ?? config.settings.resync
            if let draining = status.lastPass?.draining, draining > 0 { wait = min(wait, .seconds(2)) }
            if let retryAt { wait = min(wait, max(.zero, retryAt - .now)) }
            if let expiry = overlay.nextExpiry {
                wait = min(wait, .milliseconds(max(0, Int64(((expiry - reconciler.now().seconds) * 1000).rounded(.up)))))
            }
            let timer = Task { [weak self] in
                try? await Task.sleep(for: wait)
                if !Task.isCancelled { await self?.trigger(.resync) }
            }
            await withCheckedContinuation { continuation in
                if pending.isEmpty && !stopping { waiter = continuation } else { continuation.resume() }
            }
            timer.cancel()
        }
        defer { pending = [] }
        return pending
    }

    /// Re-reads the file. An invalid file changes nothing: the last good config stays in force.
    /// The overlay is kept; overrides whose object left the file are reported, not dropped.
    @discardableResult
    public func reload() -> Bool {
        status.reloads += 1
        status.lastReloadAt = reconciler.now()
        do {
            file = try loadFile()
            status.lastReloadSucceeded = true
            status.configErrors = []
            settle(announce: true)
            logger.notice("configuration reloaded", metadata: ["services": "\(config.services.count)", "backends": "\(config.backendCount)", "overrides": "\(overlay.overrides.count)"])
            return true
        } catch {
            status.lastReloadSucceeded = false
            status.reloadFailures += 1
            status.configErrors = error.items.map(\.description)
            for item in error.items { logger.error("\(item.description)") }
            logger.error("configuration rejected; keeping the last good one", metadata: ["errors": "\(error.items.count)"])
            return false
        }
    }

    /// Recomputes the effective config from the file and the overlay, and tells the others.
    private func settle(announce: Bool = false) {
        let (effective, problems) = file.applying(overlay)
        let newProblems = problems.filter { !status.overlayProblems.contains($0) }
        for problem in newProblems { logger.warning("override not in force", metadata: ["override": "\(problem)"]) }
        status.overlayProblems = problems
        if announce || effective != config {
            config = effective
            onConfig(config)
        }
    }

    /// One pass; true when it fully succeeded.
    ///
    /// - Parameter repairing: nothing changed the desired state since the last pass (a quiet
    ///   resync), so whatever it changes is drift repaired.
    @discardableResult
    public func runPass(repairing: Bool = false) -> Bool {
        status.passes += 1
        let succeeded: Bool
        do {
            let report = try reconciler.apply(config, weight: weights)
            status.record(report, at: reconciler.now(), repairing: repairing)
            if report.applied > 0 || !report.failures.isEmpty {
                logger.info("pass", metadata: ["applied": "\(report.applied)", "failed": "\(report.failures.count)", "draining": "\(report.draining)", "duration": "\(report.duration)"])
            } else {
                logger.debug("pass: in sync", metadata: ["duration": "\(report.duration)"])
            }
            for failure in report.failures { logger.error("\(failure)") }
            succeeded = report.succeeded
        } catch {
            status.failedPasses += 1
            status.lastPassAt = reconciler.now()
            status.lastError = error.description
            logger.error("pass failed", metadata: ["error": "\(error)"])
            succeeded = false
        }
        let done = passWaiters.filter { $0.ticket <= status.passes }
        passWaiters.removeAll { $0.ticket <= status.passes }
        for waiter in done { waiter.continuation.resume(returning: status.lastPass) }
        return succeeded
    }

    /// The config in force: the file with the overrides that apply.
    public var currentConfig: Config { config }

    /// Reads the kernel's counters for the services and backends in force (`GET /metrics`).
    public func observe() throws(ReconcileError) -> KernelObservation {
        try reconciler.observe(config)
    }

    /// Reads one service from the kernel (`GET /service/{id}`); not isolated to the loop, so a
    /// request never waits for a pass.
    public nonisolated func observe(_ service: Service) throws(ObservationError) -> ObjectObservation<IPVSService> {
        try reconciler.observe(service)
    }

    /// Reads one backend from the kernel (`GET /service/{id}/{backend}`); not isolated either.
    public nonisolated func observe(_ backend: Backend, of service: Service) throws(ObservationError) -> ObjectObservation<IPVSDestination> {
        try reconciler.observe(backend, of: service)
    }

    /// The last good file, as written and as resolved.
    public var currentFile: ValidatedFile { file }

    /// What the next pass would change.
    public func plan() throws(ReconcileError) -> PlanOutcome {
        try reconciler.plan(config, weight: weights)
    }

    // MARK: - The overlay (REST API)

    /// Makes one REST API change: `decide` sees the effective config and returns the override to
    /// record (`nil`: nothing to change) or throws a 404/409-style error. The override is validated with the file by the
    /// file's rules, saved to disk, and only then put in force; a pass is triggered.
    ///
    /// - Returns: a ticket for ``waitForPass(_:)``; `nil` when nothing changed.
    public func change(_ decide: @Sendable (Config) throws(OverlayError) -> Override?) throws(OverlayError) -> Int? {
        guard let override = try decide(config) else { return nil }
        let written = override.execCheckPaths
        if !written.isEmpty { throw OverlayError(.forbidden, written.map { "\($0): \(ValidatedFile.execRefusal)" }) }
        var candidate = overlay
        candidate.record(override)
        if override.action == .delete, candidate.applied(to: file.written).problems.contains(where: { $0.override == override }) {
            // It deleted what an earlier override added: dropping that one was the whole change.
            candidate.discard(override)
        }
        // Checked with the overrides in force: one kept but not applied (it clashes with a
        // reloaded file) must not block every later change.
        let notInForce = status.overlayProblems.map(\.override)
        let resolved: Resolution
        do {
            resolved = try file.resolve(notInForce.isEmpty ? candidate : Overlay(candidate.overrides.filter { !notInForce.contains($0) }), reusing: resolution)
        } catch {
            throw OverlayError(.invalid, error.items.map { item in
                let path = item.pathDescription
                return path.isEmpty ? item.message : "\(path): \(item.message)"
            })
        }
        let execRefused = file.execChecksNotFromFile(candidate, resolved: resolved.config, reusing: resolution)
        if !execRefused.isEmpty { throw OverlayError(.forbidden, execRefused) }
        // With nothing kept aside, the config just checked is the one in force: no second
        // resolution of the whole file per request.
        try commit(candidate, resolved: notInForce.isEmpty ? resolved : nil)
        resolution = resolved
        logger.notice("override", metadata: ["change": "\(override.summary)", "expires": "\(override.expires.map { "\(WallTime(seconds: $0))" } ?? "never")"])
        return status.passes + 1
    }

    /// Removes overrides (`DELETE /overrides…`): all of them, a service's (its backends'
    /// included) or one backend's. The file's values return.
    public func removeOverrides(service: String?, backend: String?) throws(OverlayError) -> (removed: [Override], ticket: Int) {
        var candidate = overlay
        let removed: [Override]
        if let service {
            removed = candidate.remove(service: service, backend: backend)
        } else {
            removed = candidate.overrides
            candidate = Overlay()
        }
        if !removed.isEmpty {
            try commit(candidate)
            logger.notice("overrides removed", metadata: ["count": "\(removed.count)"])
        }
        return (removed, status.passes + 1)
    }

    /// Waits until the pass with this ticket (or a later one) has run, and returns its report;
    /// `nil` when the loop stopped first.
    public func waitForPass(_ ticket: Int) async -> PassReport? {
        if status.passes >= ticket { return status.lastPass }
        if stopping { return nil }
        return await withCheckedContinuation { continuation in
            passWaiters.append((ticket, continuation))
        }
    }

    private func commit(_ candidate: Overlay, resolved: Resolution? = nil) throws(OverlayError) {
        do {
            try reconciler.store.saveOverlay(candidate)
        } catch {
            throw OverlayError(.storage, [error.description])
        }
        overlay = candidate
        if let resolved {
            if resolved.config != config {
                config = resolved.config
                onConfig(config)
            }
        } else {
            settle()
        }
        trigger(.change)
    }

    /// Drops overrides whose TTL passed, so the file's values come back.
    private func expireOverrides() {
        var candidate = overlay
        let expired = candidate.expire(now: reconciler.now().seconds)
        guard !expired.isEmpty else { return }
        do {
            try reconciler.store.saveOverlay(candidate)
        } catch {
            // Still expire them in memory: the TTL is a promise to the operator. The next save
            // (or expiry after a restart) brings the file in line.
            logger.error("cannot save the overlay after expiry", metadata: ["error": "\(error)"])
        }
        overlay = candidate
        for override in expired { logger.notice("override expired", metadata: ["change": "\(override.summary)"]) }
        settle()
    }
}

/// Why a REST API change was refused; nothing was changed.
public struct OverlayError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The change would make the desired state invalid (400).
        case invalid
        /// The object does not exist (404).
        case notFound
        /// The object exists already (409).
        case exists
        /// The change would put in force what the API may not write: an exec check (403).
        case forbidden
        /// The overlay could not be saved (500).
        case storage
    }

    public var kind: Kind
    public var messages: [String]

    public init(_ kind: Kind, _ messages: [String]) {
        self.kind = kind
        self.messages = messages
    }

    public var description: String { messages.joined(separator: "; ") }
}
