import Addresses
public import Logging
public import Publishing
public import Reconciler
public import RouteNetlink
public import ServiceLifecycle
public import Spec

/// Keeps each service's VIP as an address on `settings.vips.interface`: a consumer of the
/// controller's published state (it never reaches back into the loop) that publishes its own.
///
/// After every pass the controller publishes (start-up, `SIGHUP`, API changes, and the resync
/// timer, which is what repairs drift) the keeper reads the interface's addresses, plans
/// (``VIPPlan``) and applies: additions first, then removals. It records an address as owned
/// *before* adding it, so a crash between the two never leaves an added address unowned (which
/// would then be adopted and never removed).
///
/// Nothing here can hold up IPVS: the keeper runs beside the loop, and its failures (no such
/// interface, no permission) go to the log once per change, to ``state``, and are retried at the
/// next pass. On a normal exit the addresses stay (a restart finds them owned and changes
/// nothing); ``removeOwned()`` is `--cleanup-on-exit`.
public actor VIPKeeper: ServiceLifecycle.Service {
    private let table: any AddressTable
    private let store: VIPOwnershipStore
    private let source: LatestValue<LoadBalancerState>
    private let logger: Logger
    private let now: @Sendable () -> Double
    /// The keeper's state after every sync.
    public nonisolated let state: LatestValue<VIPsState>
    private var lastLoggedError: String?

    /// - Parameters:
    ///   - table: the interfaces' addresses (``KernelAddressTable``, or in memory for tests and
    ///     `--fake-kernel`); the keeper owns it from now on.
    ///   - store: where ownership is kept (the daemon's state directory).
    ///   - source: the controller's published state (``Controller/state``).
    public init(table: sending any AddressTable, store: VIPOwnershipStore, source: LatestValue<LoadBalancerState>, logger: Logger, now: @escaping @Sendable () -> Double = { WallTime.current().seconds }) {
        self.table = table
        self.store = store
        self.source = source
        self.logger = logger
        self.now = now
        state = LatestValue(VIPsState(interface: source.current.desired.settings.vips?.interface))
    }

    /// Syncs after every published pass until graceful shutdown; the addresses stay.
    public func run() async throws {
        for await balancer in source.updates.cancelOnGracefulShutdown() {
            sync(balancer.desired)
        }
    }

    /// One sync: reads the interface, applies the plan, publishes the outcome.
    @discardableResult
    public func sync(_ config: Config) -> VIPsState {
        let desired = DesiredVIPs.of(config)
        var next = state.current
        next.interface = config.settings.vips?.interface
        next.syncs += 1
        next.lastSyncAt = now()
        next.stale = []
        defer { state.publish(next) }
        guard let settings = config.settings.vips else {
            next.vips = []
            next.present = []
            next.error = nil
            return next
        }
        var failures: [IPAddress: String] = [:]
        var present = Set<IPAddress>()
        var owned = Set<IPAddress>()
        do {
            (present, owned) = try apply(desired: Set(desired.keys), on: settings.interface, failures: &failures, counts: &next)
            try removeLeftovers(besides: settings.interface, counts: &next)
            next.error = failures.isEmpty ? nil : failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
        } catch {
            next.failures += 1
            next.error = "\(error)"
            owned = (try? store.load())?[settings.interface] ?? []
        }
        next.present = present.intersection(desired.keys)
        next.stale = owned.subtracting(desired.keys).sorted()
        next.vips = desired.keys.sorted().map { address in
            VIPStatus(address: address, services: desired[address] ?? [], present: present.contains(address), owned: owned.contains(address), error: failures[address] ?? (present.contains(address) ? nil : next.error))
        }
        report(next.error, interface: settings.interface)
        return next
    }

    /// Plans and applies on `interface`; returns the addresses present and owned afterwards.
    private func apply(desired: Set<IPAddress>, on interface: String, failures: inout [IPAddress: String], counts: inout VIPsState) throws -> (present: Set<IPAddress>, owned: Set<IPAddress>) {
        var ownership = try store.load()
        let index = try table.interfaceIndex(named: interface)
        let addresses = try table.addresses(on: index)
        let plan = VIPPlan.make(desired: desired, present: addresses, owned: ownership[interface], interfaceIndex: index)
        var present = Set(addresses.map(\.address))
        var owned = plan.owned
        if plan.isEmpty && owned == ownership[interface] { return (present, owned) }
        // Owned before added: a crash in between leaves an owned address, never an adopted one.
        if !plan.additions.isEmpty {
            ownership[interface] = ownership[interface].union(plan.additions.map(\.address))
            try store.save(ownership)
        }
        for address in plan.additions {
            do {
                try table.add(address)
                present.insert(address.address)
                counts.added += 1
                logger.notice("VIP added", metadata: ["vip": "\(address)", "interface": "\(interface)"])
            } catch .exists {
                // Someone added it since the read: it is theirs.
                owned.remove(address.address)
                present.insert(address.address)
                logger.notice("VIP appeared meanwhile; adopted, not owned", metadata: ["vip": "\(address)", "interface": "\(interface)"])
            } catch {
                counts.failures += 1
                failures[address.address] = "\(error)"
            }
        }
        for address in plan.removals {
            do {
                try table.remove(address)
                present.remove(address.address)
                counts.removed += 1
                logger.notice("VIP removed: no service uses it", metadata: ["vip": "\(address)", "interface": "\(interface)"])
            } catch .notFound {
                present.remove(address.address)
            } catch {
                counts.failures += 1
                failures[address.address] = "\(error)"
                owned.insert(address.address)
            }
        }
        for address in plan.adopted.sorted() where !ownership[interface].contains(address) {
            logger.debug("VIP adopted: it was on the interface already and is never removed", metadata: ["vip": "\(address)", "interface": "\(interface)"])
        }
        ownership[interface] = owned
        try store.save(ownership)
        return (present, owned)
    }

    /// Removes what the daemon added to interfaces it no longer uses (`settings.vips.interface`
    /// changed). An interface that is gone took its addresses with it.
    private func removeLeftovers(besides interface: String, counts: inout VIPsState) throws {
        var ownership = try store.load()
        let others = ownership.interfaces.keys.filter { $0 != interface }
        guard !others.isEmpty else { return }
        for other in others.sorted() {
            ownership[other] = try release(ownership[other], on: other, counts: &counts)
        }
        try store.save(ownership)
    }

    /// Removes `owned` from `interface`; returns what is still owned (what could not be removed).
    private func release(_ owned: Set<IPAddress>, on interface: String, counts: inout VIPsState) throws -> Set<IPAddress> {
        let index: UInt32
        do {
            index = try table.interfaceIndex(named: interface)
        } catch .noSuchInterface {
            return []
        }
        var kept = Set<IPAddress>()
        for address in try table.addresses(on: index) where owned.contains(address.address) {
            do {
                try table.remove(address)
                counts.removed += 1
                logger.notice("VIP removed", metadata: ["vip": "\(address)", "interface": "\(interface)"])
            } catch .notFound {
                continue
            } catch {
                counts.failures += 1
                kept.insert(address.address)
                logger.error("cannot remove VIP", metadata: ["vip": "\(address)", "interface": "\(interface)", "error": "\(error)"])
            }
        }
        return kept
    }

    /// Logs an error when it appears or changes, and once when it clears: a missing interface
    /// is said once, not at every pass.
    private func report(_ error: String?, interface: String) {
        guard error != lastLoggedError else { return }
        if let error {
            logger.error("VIPs not in sync; IPVS is reconciled regardless, retrying at the next pass", metadata: ["interface": "\(interface)", "error": "\(error)"])
        } else {
            logger.notice("VIPs in sync", metadata: ["interface": "\(interface)"])
        }
        lastLoggedError = error
    }

    /// `--cleanup-on-exit`: removes every address this daemon added (adopted ones stay).
    ///
    /// - Returns: how many were removed.
    public func removeOwned() throws -> Int {
        var ownership = try store.load()
        var counts = VIPsState()
        for interface in ownership.interfaces.keys.sorted() {
            ownership[interface] = try release(ownership[interface], on: interface, counts: &counts)
        }
        try store.save(ownership)
        state.update { $0.removed += counts.removed }
        return counts.removed
    }

    /// Closes the kernel socket.
    public func close() { table.close() }
}
