public import IPVS
public import Spec

extension Reconciler {
    /// A pass over what changed since `baseline` (the config the last successful pass applied):
    /// plans only the touched services and reads only their keys from the kernel, each fresh
    /// (one `GET_SERVICE` and one destination dump per key), so the change, not the table, sets
    /// the cost. The kernel is still changed only from a fresh read of what is changed; the
    /// rest of the table, and any drift in it, is the resync's (a full ``apply(_:)``).
    ///
    /// - Parameter previous: what the last pass published of the kernel; the touched services'
    ///   fresh reads replace theirs.
    /// - Returns: `nil` when only a full pass can do it (settings changed).
    public func applyChanges(from baseline: Config, to config: Config, previous: KernelRead) throws(ReconcileError) -> PassReport? {
        let started = ContinuousClock.now
        let readAt = now()
        let changes = ConfigChanges(from: baseline, to: config)
        if changes.settingsChanged { return nil }
        if changes.changed.isEmpty && changes.replaced.isEmpty {
            return PassReport(planned: [], applied: 0, failures: [], draining: 0, duration: ContinuousClock.now - started, kernel: previous)
        }
        let ownership: Ownership
        do {
            ownership = try store.loadOwnership()
        } catch {
            throw ReconcileError.state(error.description)
        }
        var partial = config
        partial.services = changes.changed
        let (desired, problems) = DesiredState.from(partial, interfaces: interfaces)
        // Every key a touched service has now or had: a moved or removed one is deleted there.
        var keys = Set(desired.services.map(\.service.key))
        for service in changes.replaced {
            if let key = try? DesiredState.key(of: service, interfaces: interfaces) { keys.insert(key) }
        }
        let actual: ActualState
        do {
            actual = try ActualState.read(keys, from: ipvs)
        } catch {
            throw ReconcileError.kernel(error)
        }
        // The timeouts are settings: unchanged here (`settingsChanged` would have sent us to a full pass).
        var planned = desired
        planned.timeouts = nil
        let planner = Planner(pruneAll: config.settings.prune == .all, defaultDrain: Defaults.drain)
        let plan = planner.plan(desired: planned, actual: actual, ownership: ownership, now: now())
        var owned = ownership
        for key in keys { owned.services[key] = plan.ownership.services[key] }
        let outcome = PlanOutcome(plan: Plan(steps: plan.steps, ownership: owned, draining: plan.draining), problems: problems, desired: desired, actual: actual, previousOwnership: ownership)
        var report = try carryOut(outcome, started: started, readAt: readAt)
        report.kernel = previous.replacing(changes.ids, with: report.kernel!)
        return report
    }
}

extension ActualState {
    /// Reads only these services (absent ones are left out), each fresh from the kernel.
    public static func read(_ keys: some Collection<IPVSService.Key>, from ipvs: some IPVS) throws(IPVSError) -> ActualState {
        var services: [ActualService] = []
        services.reserveCapacity(keys.count)
        for key in keys {
            let service: IPVSService
            do {
                service = try ipvs.service(key)
            } catch where error.code == .serviceNotFound {
                continue
            }
            let destinations = try ipvs.destinations(of: key).map {
                ActualDestination($0, connections: UInt64($0.activeConnections) + UInt64($0.inactiveConnections))
            }
            services.append(ActualService(service: service, destinations: destinations))
        }
        return ActualState(services: services)
    }
}
