public import Logging
public import Spec
public import YAMLBridge

/// The daemon's loop: one reconcile pass at a time, triggered by start-up, `SIGHUP`, the resync
/// timer, other modules (health checks, REST API) and retries after a failure.
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

    /// The outcome of the last config load and of the last pass, for logs and `GET /status`.
    public struct Status: Sendable {
        public var configErrors: [String] = []
        public var lastReloadSucceeded = true
        public var passes = 0
        public var changesApplied = 0
        public var lastPass: PassReport?
        public var lastError: String?
    }

    private let reconciler: Reconciler
    private let loadConfig: @Sendable () throws(Diagnostics) -> Config
    private let logger: Logger
    private let resyncOverride: Duration?
    private let weights: @Sendable (Service, Backend) -> Int32
    private let onConfig: @Sendable (Config) -> Void
    private var config: Config
    private var pending: Set<Trigger> = [.change]
    private var waiter: CheckedContinuation<Void, Never>?
    private var stopping = false
    private(set) public var status = Status()

    /// - Parameters:
    ///   - initial: the config validated at start (the daemon refuses to start without one).
    ///   - loadConfig: re-reads the file on `SIGHUP`.
    ///   - resync: overrides `settings.resync`.
    ///   - weights: the weight to give each backend now (the health checks scale the file's
    ///     weight); called during every pass, so it must be cheap and non-blocking.
    ///   - onConfig: told about every config that takes effect (the initial one included), so
    ///     other modules (health checks) follow the desired state.
    public init(
        reconciler: Reconciler,
        initial: Config,
        loadConfig: @escaping @Sendable () throws(Diagnostics) -> Config,
        resync: Duration? = nil,
        weights: @escaping @Sendable (Service, Backend) -> Int32 = { _, backend in backend.weight },
        onConfig: @escaping @Sendable (Config) -> Void = { _ in },
        logger: Logger
    ) {
        self.reconciler = reconciler
        self.config = initial
        self.loadConfig = loadConfig
        self.resyncOverride = resync
        self.weights = weights
        self.onConfig = onConfig
        self.logger = logger
        onConfig(initial)
    }

    /// Asks for a pass; returns at once. Safe to call from anywhere, any number of times.
    public func trigger(_ trigger: Trigger) {
        pending.insert(trigger)
        waiter?.resume()
        waiter = nil
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
                if runPass() {
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

    /// Waits for a trigger, the resync timer, a drain re-check, or the retry time.
    private func nextTriggers(retryAt: ContinuousClock.Instant?) async -> Set<Trigger> {
        if pending.isEmpty {
            var wait = resyncOverride ?? config.settings.resync
            if let draining = status.lastPass?.draining, draining > 0 { wait = min(wait, .seconds(2)) }
            if let retryAt { wait = min(wait, max(.zero, retryAt - .now)) }
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
    @discardableResult
    public func reload() -> Bool {
        do {
            config = try loadConfig()
            onConfig(config)
            status.lastReloadSucceeded = true
            status.configErrors = []
            logger.notice("configuration reloaded", metadata: ["services": "\(config.services.count)", "backends": "\(config.backendCount)"])
            return true
        } catch {
            status.lastReloadSucceeded = false
            status.configErrors = error.items.map(\.description)
            for item in error.items { logger.error("\(item.description)") }
            logger.error("configuration rejected; keeping the last good one", metadata: ["errors": "\(error.items.count)"])
            return false
        }
    }

    /// One pass; true when it fully succeeded.
    @discardableResult
    public func runPass() -> Bool {
        status.passes += 1
        do {
            let report = try reconciler.apply(config, weight: weights)
            status.lastPass = report
            status.changesApplied += report.applied
            status.lastError = report.failures.first?.description
            if report.applied > 0 || !report.failures.isEmpty {
                logger.info("pass", metadata: ["applied": "\(report.applied)", "failed": "\(report.failures.count)", "draining": "\(report.draining)", "duration": "\(report.duration)"])
            } else {
                logger.debug("pass: in sync", metadata: ["duration": "\(report.duration)"])
            }
            for failure in report.failures { logger.error("\(failure)") }
            return report.succeeded
        } catch {
            status.lastError = error.description
            logger.error("pass failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// The config in force.
    public var currentConfig: Config { config }
}
