public import Checks
public import IPVS
public import Logging
public import Publishing
public import Spec

/// The daemon's loop: one reconcile pass at a time, triggered by start-up, `SIGHUP`, the resync
/// timer, a new health verdict, a REST API change, override expiry and retries after a failure.
///
/// Data goes one way through it: the desired config (``DesiredConfig``: file ⊕ overlay) and the
/// health checks' verdicts (an input it follows, never a callback) are composed
/// (``Composition``), planned and applied, and the result is published as one immutable
/// ``LoadBalancerState`` (``state``) that consumers read. It also publishes the desired config
/// (``desired``) for the health checks to follow.
///
/// Passes never overlap (the actor runs one at a time) and triggers that arrive during a pass
/// coalesce into one more pass. A failed pass is retried with exponential back-off (1s doubling
/// to 60s); the resync timer repairs drift however quiet things are. Modelled on kube-proxy's
/// bounded-frequency runner and controller-runtime's level-based reconcile.
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

    let reconciler: Reconciler
    private let loadFile: @Sendable () throws(ConfigErrors) -> ValidatedFile
    let logger: Logger
    private let resyncOverride: Duration?
    /// The health checks' verdicts; `nil`: nothing checks health (weights as desired).
    private let health: LatestValue<HealthVerdicts>?
    var desiredConfig: DesiredConfig
    /// Where the overlay is saved, and the revision of it in force (Controller+Overlay.swift).
    public nonisolated let overlayStore: any OverlayStore
    var overlayRevision: Int64
    let changeQueue = ChangeQueue()
    /// Counts changes of `desiredConfig`, so a pass over the same inputs reuses their composition.
    private var desiredVersion = 0
    /// The last composition, with the versions of the desired config and the verdicts it was made
    /// from: a quiet resync (most passes) composes nothing.
    private var composed: (desired: Int, health: Int, composition: Composition)?
    /// The desired config `composed` was made from.
    private var composedFrom: Config?
    /// The effective config the last pass applied in full, when it succeeded: a pass started by
    /// a change (reload, REST API, health) plans and reads only what differs from it; `nil`
    /// sends the next pass over the whole table.
    private var baseline: Config?
    private var pending: Set<Trigger> = [.change]
    private var waiter: CheckedContinuation<Void, Never>?
    private var tickets = PassTickets()
    private var stopping = false
    private(set) public var status: ControllerStatus
    /// Host maintenance, saved in the state directory (``setMaintenance(enabled:reason:)``).
    internal(set) public var maintenance: Maintenance

    /// The desired config (`file ⊕ overlay`, before health), published whenever it changes.
    public nonisolated let desired: LatestValue<Config>
    /// The load balancer's state, published after every pass.
    public nonisolated let state: LatestValue<LoadBalancerState>

    /// - Parameters:
    ///   - initial: the file validated at start (the daemon refuses to start without one).
    ///   - overlay: the REST API's overrides saved by the last run (``StateStore/loadOverlay()``).
    ///   - maintenance: host maintenance as the last run left it (``StateStore/loadMaintenance()``).
    ///   - loadFile: re-reads the file on `SIGHUP`.
    ///   - resync: overrides `settings.resync`.
    ///   - health: the health checks' verdicts to compose with the desired weights; a new one
    ///     triggers a pass.
    ///   - overlayStore: where changes to the overlay are saved; `nil`: `overrides.json` in the
    ///     reconciler's state directory. A shared store's overlay is the `overlay` given.
    public init(
        reconciler: Reconciler,
        initial: ValidatedFile,
        overlay: Overlay = Overlay(),
        overlayStore: (any OverlayStore)? = nil,
        maintenance: Maintenance = Maintenance(),
        loadFile: @escaping @Sendable () throws(ConfigErrors) -> ValidatedFile,
        resync: Duration? = nil,
        health: LatestValue<HealthVerdicts>? = nil,
        logger: Logger
    ) {
        self.reconciler = reconciler
        self.loadFile = loadFile
        self.resyncOverride = resync
        self.health = health
        self.logger = logger
        self.overlayStore = overlayStore ?? LocalOverlayStore(reconciler.store, overlay: overlay)
        overlayRevision = self.overlayStore.current.revision
        self.maintenance = maintenance
        let desiredConfig = DesiredConfig(file: initial, overlay: overlay)
        self.desiredConfig = desiredConfig
        let status = ControllerStatus(configPath: initial.path, overlayProblems: desiredConfig.problems, lastReloadAt: reconciler.now())
        self.status = status
        for problem in desiredConfig.problems { logger.warning("override not in force", metadata: ["override": "\(problem)"]) }
        desired = LatestValue(desiredConfig.config)
        let verdicts = health?.current
        state = LatestValue(LoadBalancerState(
            file: initial,
            overlay: overlay,
            desired: desiredConfig.config,
            health: verdicts,
            composition: Self.compose(desiredConfig.config, verdicts),
            kernel: nil,
            status: status,
            maintenance: maintenance
        ))
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
        await withDiscardingTaskGroup { group in
            if let health {
                // Every new verdict asks for a pass; the pass reads the latest one.
                group.addTask { [weak self] in
                    for await _ in health.updates { await self?.trigger(.change) }
                }
            }
            await loop()
            group.cancelAll()
        }
        tickets.cancelAll()
    }

    private func loop() async {
        var backoff: Duration = .seconds(1)
        var retryAt: ContinuousClock.Instant?
        await withTaskCancellationHandler(operation: {
            while !Task.isCancelled && !stopping {
                let triggers = await nextTriggers(retryAt: retryAt)
                if Task.isCancelled || stopping { break }
                if triggers.contains(.reload) { reload() }
                expireOverrides()
                // Only the resync timer (and the first pass) reads and plans the whole table;
                // a change is planned against what it changed.
                if runPass(repairing: triggers == [.resync], changesOnly: !triggers.contains(.resync)) {
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
            var wait = resyncOverride ?? desiredConfig.config.settings.resync
            if let draining = status.lastPass?.draining, draining > 0 { wait = min(wait, .seconds(2)) }
            if let retryAt { wait = min(wait, max(.zero, retryAt - .now)) }
            if let expiry = desiredConfig.overlay.nextExpiry {
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
        // What the reload did shows at once (a rejected file runs no pass to publish it).
        defer { publishStatus() }
        status.reloads += 1
        status.lastReloadAt = reconciler.now()
        do {
            let file = try loadFile()
            status.lastReloadSucceeded = true
            status.configErrors = []
            changeDesired { $0.replace(file: file) }
            logger.notice("configuration reloaded", metadata: ["services": "\(desiredConfig.config.services.count)", "backends": "\(desiredConfig.config.backendCount)", "overrides": "\(desiredConfig.overlay.overrides.count)"])
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

    /// Changes the desired config, logs the overrides that stopped applying, and tells the
    /// health checks when the config in force changed.
    func changeDesired(_ change: (inout DesiredConfig) -> [OverlayProblem]) {
        let before = desiredConfig.config
        let new = change(&desiredConfig)
        desiredVersion += 1
        for problem in new { logger.warning("override not in force", metadata: ["override": "\(problem)"]) }
        status.overlayProblems = desiredConfig.problems
        if desiredConfig.config != before { desired.publish(desiredConfig.config) }
    }

    /// One pass; true when it fully succeeded.
    ///
    /// - Parameters:
    ///   - repairing: nothing changed the desired state since the last pass (a quiet resync), so
    ///     whatever it changes is drift repaired.
    ///   - changesOnly: plan and read only the services that changed since the last successful
    ///     pass (``Reconciler/applyChanges(from:to:previous:)``), when there was one.
    @discardableResult
    public func runPass(repairing: Bool = false, changesOnly: Bool = false) -> Bool {
        status.passes += 1
        let (verdicts, composition) = currentComposition()
        let succeeded: Bool
        var kernel: KernelRead?
        let previous = baseline
        baseline = nil
        do {
            let report: PassReport
            if changesOnly, let previous, let read = state.current.kernel,
                let partial = try reconciler.applyChanges(from: previous, to: composition.effective, previous: read)
            {
                report = partial
            } else {
                report = try reconciler.apply(composition.effective)
            }
            if report.succeeded { baseline = composition.effective }
            status.record(report, at: reconciler.now(), repairing: repairing)
            kernel = report.kernel
            if report.applied > 0 || !report.failures.isEmpty {
                var metadata: Logger.Metadata = ["applied": "\(report.applied)", "failed": "\(report.failures.count)", "draining": "\(report.draining)", "duration": "\(report.duration)"]
                for (kind, count) in report.appliedByKind { metadata[kind.rawValue] = "\(count)" }
                if report.applied > Reconciler.changesLoggedAtInfo { metadata["logged"] = "first \(Reconciler.changesLoggedAtInfo) at info, all at debug" }
                logger.info("pass", metadata: metadata)
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
        // Published before anyone waiting for this pass hears of it: a REST API answer is
        // followed by reads that see what it did.
        state.publish(LoadBalancerState(
            file: desiredConfig.file,
            overlay: desiredConfig.overlay,
            desired: desiredConfig.config,
            health: verdicts,
            composition: composition,
            kernel: kernel,
            status: status,
            maintenance: maintenance
        ))
        tickets.passed(status.passes, report: status.lastPass)
        return succeeded
    }

    /// `desired × health` now, composed again only when either changed since the last pass.
    private func currentComposition() -> (HealthVerdicts?, Composition) {
        let health = self.health?.currentVersioned
        let healthVersion = health?.version ?? 0
        if let composed, composed.desired == desiredVersion, composed.health == healthVersion {
            return (health?.value, composed.composition)
        }
        let composition: Composition
        if let composed, composed.health == healthVersion, let verdicts = health?.value, let before = composedFrom {
            // Only the desired config changed (a REST API change, a reload): the services it
            // left alone compose as before.
            composition = Composition(desiredConfig.config, health: verdicts, previous: composed.composition, previousDesired: before)
        } else {
            composition = Self.compose(desiredConfig.config, health?.value)
        }
        composed = (desiredVersion, healthVersion, composition)
        composedFrom = desiredConfig.config
        return (health?.value, composition)
    }

    /// Publishes the loop's counters without a pass: the rest of the state stays as the last
    /// pass left it, since that is still what the kernel holds.
    private func publishStatus() {
        state.update { $0.status = status }
    }

    private static func compose(_ config: Config, _ verdicts: HealthVerdicts?) -> Composition {
        verdicts.map { Composition(config, health: $0) } ?? Composition(unchecked: config)
    }

    /// The config in force before health: the file with the overrides that apply.
    public var currentConfig: Config { desiredConfig.config }

    /// The REST API's overrides, kept.
    public var overlay: Overlay { desiredConfig.overlay }

    /// The last good file, as written and as resolved.
    public var currentFile: ValidatedFile { desiredConfig.file }

    /// What the next pass would change.
    public func plan() throws(ReconcileError) -> PlanOutcome {
        try reconciler.plan(currentComposition().1.effective)
    }

    /// Waits until the pass with this ticket (or a later one) has run, and returns its report;
    /// `nil` when the loop stopped first.
    public func waitForPass(_ ticket: Int) async -> PassReport? {
        if status.passes >= ticket { return status.lastPass }
        if stopping { return nil }
        return await withCheckedContinuation { continuation in
            tickets.wait(for: ticket, continuation)
        }
    }

    // MARK: - reading the kernel (never waits for a pass)

    /// Reads the kernel's objects of `config` now (`GET /metrics`: counters as of the scrape).
    public nonisolated func observe(_ config: Config) throws(ReconcileError) -> KernelObservation {
        try reconciler.observe(config)
    }

    /// Reads one service from the kernel (`GET /service/{id}`).
    public nonisolated func observe(_ service: Service) throws(ObservationError) -> ObjectObservation<IPVSService> {
        try reconciler.observe(service)
    }

    /// Reads one backend from the kernel (`GET /service/{id}/{backend}`).
    public nonisolated func observe(_ backend: Backend, of service: Service) throws(ObservationError) -> ObjectObservation<IPVSDestination> {
        try reconciler.observe(backend, of: service)
    }
}
