public import IPVS
public import Logging
public import Spec

#if canImport(Glibc)
import Glibc
#endif

/// One reconcile pass: read the kernel, compute the desired state, plan, apply, remember what is
/// owned. Used by `gorb-reconcile apply` once and by ``Controller`` in a loop.
///
/// Level-based, like Kubernetes controllers: every pass re-reads the whole table, so it repairs
/// any drift (someone ran `ipvsadm`), and a failed pass is simply followed by another.
public struct Reconciler: Sendable {
    public let ipvs: any IPVS
    public let interfaces: any InterfaceAddresses
    public let store: StateStore
    public let logger: Logger
    /// The wall clock (drain deadlines); injectable for tests.
    public let now: @Sendable () -> WallTime

    public init(
        ipvs: any IPVS,
        interfaces: any InterfaceAddresses = SystemInterfaces(),
        store: StateStore,
        logger: Logger,
        now: @escaping @Sendable () -> WallTime = WallTime.current
    ) {
        self.ipvs = ipvs
        self.interfaces = interfaces
        self.store = store
        self.logger = logger
        self.now = now
    }

    /// How many applied changes a pass logs at info level; the rest go to debug, and the pass's
    /// own line counts them by kind.
    public static let changesLoggedAtInfo = 10

    /// What a pass over `config` would do, without doing it.
    public func plan(_ config: Config) throws(ReconcileError) -> PlanOutcome {
        let ownership: Ownership
        do {
            ownership = try store.loadOwnership()
        } catch {
            throw ReconcileError.state(error.description)
        }
        let actual: ActualState
        do {
            actual = try ActualState.read(from: ipvs)
        } catch {
            throw ReconcileError.kernel(error)
        }
        let (desired, problems) = DesiredState.from(config, interfaces: interfaces)
        let planner = Planner(pruneAll: config.settings.prune == .all, defaultDrain: Defaults.drain)
        let plan = planner.plan(desired: desired, actual: actual, ownership: ownership, now: now())
        return PlanOutcome(plan: plan, problems: problems, desired: desired, actual: actual, previousOwnership: ownership)
    }

    /// Plans and applies one pass.
    ///
    /// Every change of the plan is attempted (the kernel takes each on its own); the ones that
    /// failed are reported, and the next pass retries them. Ownership is saved after the kernel
    /// was changed, so a crash in between at worst re-plans changes already made (a no-op).
    public func apply(_ config: Config) throws(ReconcileError) -> PassReport {
        let started = ContinuousClock.now
        let readAt = now()
        return try carryOut(plan(config), started: started, readAt: readAt)
    }

    /// Applies a plan, logs what it did, saves the ownership if it changed.
    func carryOut(_ outcome: PlanOutcome, started: ContinuousClock.Instant, readAt: WallTime) throws(ReconcileError) -> PassReport {
        var failures = outcome.problems
        var applied = 0
        var appliedByKind: [PlanStep.Kind: Int] = [:]
        if !outcome.plan.isEmpty {
            let result: IPVSBatchResult
            do {
                result = try ipvs.apply(outcome.plan.changes)
            } catch {
                throw ReconcileError.kernel(error)
            }
            for (index, step) in outcome.plan.steps.enumerated() {
                if let error = result.errors[index] {
                    failures.append(ReconcileProblem(subject: step.subject.isEmpty ? "\(step.change)" : step.subject, message: error.description))
                    logger.error("change failed", metadata: ["change": "\(step.change)", "subject": "\(step.subject)", "error": "\(error)"])
                } else {
                    applied += 1
                    appliedByKind[step.kind, default: 0] += 1
                    // The first few at info, every one at debug: a cold start of 11,000 objects
                    // logged 11,000 lines; the pass line counts them by kind.
                    logger.log(
                        level: applied <= Self.changesLoggedAtInfo ? .info : .debug,
                        "applied",
                        metadata: ["kind": "\(step.kind.rawValue)", "change": "\(step.change)", "subject": "\(step.subject)"]
                    )
                }
            }
        }
        // An in-sync pass (every quiet resync) leaves the file alone: rewriting and fsyncing it
        // each time cost more than reading and planning the whole table.
        if outcome.plan.ownership != outcome.previousOwnership {
            do {
                try store.saveOwnership(outcome.plan.ownership)
            } catch {
                throw ReconcileError.state(error.description)
            }
        }
        return PassReport(
            planned: outcome.plan.steps,
            applied: applied,
            appliedByKind: appliedByKind,
            failures: failures,
            draining: outcome.plan.draining,
            duration: ContinuousClock.now - started,
            kernel: KernelRead(desired: outcome.desired, actual: outcome.actual, failures: outcome.plan.isEmpty ? nil : failures, readAt: readAt)
        )
    }

    /// Deletes every service this daemon owns (`run --cleanup-on-exit`).
    public func removeOwned() throws(ReconcileError) -> Int {
        let ownership: Ownership
        do {
            ownership = try store.loadOwnership()
        } catch {
            throw ReconcileError.state(error.description)
        }
        let changes = ownership.services.keys.sorted().map { IPVSChange.removeService($0) }
        guard !changes.isEmpty else { return 0 }
        do {
            let result = try ipvs.apply(changes)
            for failure in result.failures where failure.error.code != .serviceNotFound {
                logger.error("cleanup failed", metadata: ["change": "\(failure.change)", "error": "\(failure.error)"])
            }
            try? store.saveOwnership(Ownership())
            return result.errors.filter { $0 == nil }.count
        } catch {
            throw ReconcileError.kernel(error)
        }
    }

    /// Deletes every IPVS service, owned or not (GORB's `-f`), and forgets ownership.
    public func flushAll() throws(ReconcileError) {
        do {
            try ipvs.flush()
        } catch {
            throw ReconcileError.kernel(error)
        }
        do {
            try store.saveOwnership(Ownership())
        } catch {
            throw ReconcileError.state(error.description)
        }
        logger.notice("flushed the whole IPVS table (-f)")
    }
}

/// A plan with what it was computed from.
public struct PlanOutcome: Sendable {
    public var plan: Plan
    /// Services that could not be translated (held as they are).
    public var problems: [ReconcileProblem]
    /// The desired state the plan was computed for.
    public var desired: DesiredState
    public var actual: ActualState
    /// The ownership the plan started from (as loaded from the state directory).
    public var previousOwnership: Ownership
}

/// What one pass did.
public struct PassReport: Sendable {
    public var planned: [PlanStep]
    public var applied: Int
    /// Changes made, by kind (create, update, delete, drain).
    public var appliedByKind: [PlanStep.Kind: Int] = [:]
    public var failures: [ReconcileProblem]
    public var draining: Int
    public var duration: Duration
    /// What the kernel holds of the config after the pass: as read at its start, with the
    /// changes it made (so no pass costs a second read).
    public var kernel: KernelRead?

    public var succeeded: Bool { failures.isEmpty }
}

/// Why a pass could not run at all (as opposed to single changes failing).
public enum ReconcileError: Error, Sendable, CustomStringConvertible {
    /// The kernel could not be read or the batch not sent.
    case kernel(IPVSError)
    /// The state directory could not be read or written.
    case state(String)

    public var description: String {
        switch self {
        case .kernel(let error): "\(error)"
        case .state(let message): message
        }
    }
}

extension WallTime {
    /// The system's wall clock.
    @Sendable public static func current() -> WallTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return WallTime(seconds: Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9)
    }
}
