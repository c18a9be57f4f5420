import Foundation
public import Logging
public import Publishing
public import Reconciler
public import Spec
import Synchronization

/// The REST API's overlay in etcd v3, shared by every balancer configured with the same
/// endpoints and prefix (`settings.store.etcd`).
///
/// Layout: one key per override, `PREFIX/overrides/<uuid>`, its value the override as
/// `overrides.json` keeps one; the overlay's order is the keys' creation order. `PREFIX/head` is
/// rewritten by every change: a change is one transaction that compares the head's revision
/// with the one it read, and either deletes the overrides it drops, puts the one it adds and the
/// head, or changes nothing and answers with the overlay as it is now (read in the same
/// transaction), from which the controller makes the change again. An override with a TTL is
/// put with a lease of that TTL, so it leaves etcd once, for every host.
///
/// Every host follows the prefix with a watch (``run()``), resumed from the last revision it saw;
/// a compacted revision means a full read. What it sees is published (``published``) for the
/// controller, and kept in the state directory (``FleetOverlayCopy``) for a start without etcd.
public final class EtcdOverlayStore: OverlayStore {
    public let settings: EtcdSettings
    let client: EtcdClient
    private let copy: FleetOverlayCopy
    let logger: Logger
    let view: Mutex<Snapshot>
    private let health: Mutex<Health>
    /// The overlay as this host last saw it; the controller adopts each new one.
    public let published: LatestValue<StoredOverlay>

    /// The view, and whether it was read from etcd (not only from the local copy).
    struct Snapshot {
        var view: FleetView
        var exact: Bool
    }

    /// What `status` reports, with the time the lag started.
    struct Health {
        var status: OverlayStoreStatus
        var behindSince: ContinuousClock.Instant?
    }

    var overridesPrefix: String { settings.prefix + "overrides/" }
    var headKey: String { settings.prefix + "head" }

    /// Reads the credentials and the local copy; reaches nothing yet.
    ///
    /// - Throws: when a TLS or password file, or the local copy, cannot be read.
    public init(settings: EtcdSettings, stateDirectory: String, logger: Logger) throws(EtcdError) {
        self.settings = settings
        self.logger = logger
        client = EtcdClient(endpoints: settings.endpoints, credentials: try EtcdCredentials(settings), logger: logger)
        copy = FleetOverlayCopy(directory: stateDirectory)
        var status = OverlayStoreStatus(kind: "etcd", endpoints: settings.endpoints.map(\.description), prefix: settings.prefix)
        let saved = try copy.load(prefix: settings.prefix)
        status.servingCopy = saved != nil
        status.revision = saved?.revision ?? 0
        view = Mutex(Snapshot(view: FleetView(revision: saved?.revision ?? 0), exact: false))
        published = LatestValue(saved ?? StoredOverlay(Overlay(), revision: 0))
        health = Mutex(Health(status: status))
    }

    /// Reads the whole prefix once, so the daemon starts with the fleet's overlay; when etcd
    /// cannot be reached it starts with the local copy (``published``) and catches up later.
    ///
    /// - Returns: the error when etcd could not be read.
    public func loadAtStart() async -> EtcdError? {
        do {
            try await fullRead(timeout: .seconds(2))
            return nil
        } catch {
            record(failure: error)
            return error
        }
    }

    public func shutdown() async {
        await client.shutdown()
        published.finish()
    }

    // MARK: - OverlayStore

    public var current: StoredOverlay { published.current }

    public var status: OverlayStoreStatus? {
        health.withLock { health in
            var status = health.status
            status.lagSeconds = health.behindSince.map { (ContinuousClock.now - $0).seconds } ?? 0
            return status
        }
    }

    public func save(_ overlay: Overlay, basis: StoredOverlay) async throws(OverlayStoreError) -> StoredOverlay {
        do {
            if !view.withLock({ $0.exact }) { try await fullRead() }
        } catch {
            throw unavailable(error)
        }
        let snapshot = view.withLock { $0.view }
        guard basis.revision == snapshot.revision else { throw .conflict(snapshot.stored) }
        let (deletes, adds) = snapshot.difference(to: overlay)
        var leases: [Int64] = []
        var ops: [EtcdWire.RequestOp] = []
        do {
            if overlay.isEmpty && !deletes.isEmpty {
                ops.append(EtcdWire.RequestOp(request_delete_range: .init(key: EtcdWire.bytes(overridesPrefix), range_end: EtcdWire.rangeEnd(ofPrefix: overridesPrefix))))
            } else {
                for key in deletes {
                    ops.append(EtcdWire.RequestOp(request_delete_range: .init(key: EtcdWire.bytes(key))))
                }
            }
            for override in adds {
                var lease: Int64?
                if let expires = override.expires {
                    let ttl = max(1, Int64((expires - WallTime.current().seconds).rounded(.up)))
                    let granted: EtcdWire.LeaseGrantResponse = try await client.call("/v3/lease/grant", EtcdWire.LeaseGrantRequest(TTL: String(ttl)))
                    guard let id = granted.ID?.value else { throw EtcdError.refused("no lease granted: \(granted.error ?? "no reason given")") }
                    leases.append(id)
                    lease = id
                }
                let value: String
                do {
                    value = try FleetView.encode(override)
                } catch {
                    throw EtcdError.refused("cannot encode the override: \(error)")
                }
                ops.append(EtcdWire.RequestOp(request_put: .init(key: EtcdWire.bytes(overridesPrefix + UUID().uuidString.lowercased()), value: value, lease: lease.map(String.init))))
            }
        } catch let error as EtcdError {
            revoke(leases)
            throw unavailable(error)
        } catch {
            revoke(leases)
            throw .failed("\(error)")
        }
        ops.append(EtcdWire.RequestOp(request_put: .init(key: EtcdWire.bytes(headKey), value: EtcdWire.bytes(Self.headValue))))
        let readAll = EtcdWire.RequestOp(request_range: .init(key: EtcdWire.bytes(settings.prefix), range_end: EtcdWire.rangeEnd(ofPrefix: settings.prefix)))
        let txn = EtcdWire.TxnRequest(
            compare: [EtcdWire.Compare(key: EtcdWire.bytes(headKey), mod_revision: String(snapshot.head))],
            success: ops + [readAll],
            failure: [readAll]
        )
        let response: EtcdWire.TxnResponse
        do {
            response = try await client.call("/v3/kv/txn", txn)
        } catch {
            revoke(leases)
            throw unavailable(error)
        }
        guard let revision = response.header?.revision?.value, let read = response.responses?.last?.response_range else {
            revoke(leases)
            throw .failed("etcd answered the transaction without its read")
        }
        let latest = install(FleetView(keys: read.kvs ?? [], revision: revision, headKey: headKey, overridesPrefix: overridesPrefix))
        guard response.succeeded == true else {
            revoke(leases)
            health.withLock { $0.status.conflicts += 1 }
            throw .conflict(latest)
        }
        health.withLock { $0.status.commits += 1 }
        return latest
    }

    public func expire(_ overlay: Overlay) throws(OverlayStoreError) -> StoredOverlay? {
        // The lease removes the key from etcd, once, for every host; its deletion arrives
        // through the watch. Nothing to write here.
        nil
    }

    // MARK: - reading and following

    /// Replaces the view with a read of the whole prefix.
    func fullRead(timeout: Duration = .seconds(4)) async throws(EtcdError) {
        let response: EtcdWire.RangeResponse = try await client.call(
            "/v3/kv/range",
            EtcdWire.RangeRequest(key: EtcdWire.bytes(settings.prefix), range_end: EtcdWire.rangeEnd(ofPrefix: settings.prefix)),
            timeout: timeout
        )
        guard let revision = response.header?.revision?.value else { throw .refused("etcd answered a read without its revision") }
        health.withLock { $0.status.fullReads += 1 }
        install(FleetView(keys: response.kvs ?? [], revision: revision, headKey: headKey, overridesPrefix: overridesPrefix), exact: true)
    }

    /// Puts a view read from etcd in place, unless a newer one is there already; publishes and
    /// keeps a copy of what changed.
    @discardableResult
    private func install(_ new: FleetView, exact: Bool = true) -> StoredOverlay {
        let (installed, changed) = view.withLock { snapshot -> (FleetView, Bool) in
            if new.revision < snapshot.view.revision && snapshot.exact { return (snapshot.view, false) }
            if new.revision < snapshot.view.revision {
                logger.warning("etcd's revision is behind the local copy's (a restored or new cluster?); taking etcd's overlay", metadata: ["etcd": "\(new.revision)", "copy": "\(snapshot.view.revision)"])
            }
            snapshot = Snapshot(view: new, exact: snapshot.exact || exact)
            return (new, true)
        }
        if changed { publish(installed) }
        return installed.stored
    }

    /// Applies a watch response; publishes when the view moved on.
    func apply(_ response: EtcdWire.WatchResponse) {
        guard let events = response.events, !events.isEmpty else { return }
        let revision = response.header?.revision?.value ?? 0
        let moved = view.withLock { snapshot -> FleetView? in
            let before = snapshot.view.revision
            _ = snapshot.view.apply(events, headKey: headKey, overridesPrefix: overridesPrefix, revision: revision)
            return snapshot.view.revision > before ? snapshot.view : nil
        }
        if let moved { publish(moved) }
    }

    private func publish(_ view: FleetView) {
        let stored = view.stored
        let previous = published.current
        if stored.revision != previous.revision || stored.overlay != previous.overlay {
            published.publish(stored)
            if stored.overlay != previous.overlay {
                logger.info("fleet overlay", metadata: ["revision": "\(stored.revision)", "overrides": "\(stored.overlay.overrides.count)"])
            }
            do {
                try copy.save(stored, prefix: settings.prefix)
            } catch {
                logger.error("cannot keep the local copy of the fleet overlay", metadata: ["error": "\(error)"])
            }
        }
        health.withLock { health in
            health.status.revision = view.revision
            health.status.servingCopy = false
            health.status.unreadable = view.unreadable.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            health.status.latestRevision = max(health.status.latestRevision, view.head)
            Self.updateLag(&health, head: health.status.latestRevision, seen: view.head)
        }
        for (key, problem) in view.unreadable { logger.warning("a key under the prefix is no override", metadata: ["key": "\(key)", "problem": "\(problem)"]) }
    }

    static func updateLag(_ health: inout Health, head: Int64, seen: Int64) {
        let behind = max(0, head - seen)
        health.status.lagRevisions = behind
        if behind == 0 {
            health.behindSince = nil
        } else if health.behindSince == nil {
            health.behindSince = .now
        }
    }

    func record(failure: EtcdError) {
        health.withLock { health in
            if health.status.lastError != failure.description {
                logger.error("etcd", metadata: ["error": "\(failure)"])
            }
            health.status.connected = false
            health.status.lastError = failure.description
        }
    }

    func recordConnected(_ endpoint: String?) {
        health.withLock { health in
            if !health.status.connected { logger.notice("etcd reached", metadata: ["endpoint": "\(endpoint ?? "-")"]) }
            health.status.connected = true
            health.status.lastError = nil
            if let endpoint { health.status.endpoint = endpoint }
        }
    }

    func recordHead(_ head: Int64) -> Double {
        health.withLock { health in
            health.status.latestRevision = max(health.status.latestRevision, head)
            let seen = view.withLock { $0.view.head }
            Self.updateLag(&health, head: health.status.latestRevision, seen: seen)
            return health.behindSince.map { (ContinuousClock.now - $0).seconds } ?? 0
        }
    }

    func countWatchRestart() {
        health.withLock { $0.status.watchRestarts += 1 }
    }

    private func unavailable(_ error: EtcdError) -> OverlayStoreError {
        switch error {
        case .unreachable:
            record(failure: error)
            health.withLock { $0.status.unavailable += 1 }
            return .unavailable("\(error); nothing was changed, on this host or in the fleet")
        case .refused:
            return .failed("\(error); nothing was changed")
        }
    }

    private func revoke(_ leases: [Int64]) {
        guard !leases.isEmpty else { return }
        let client = self.client
        Task {
            for id in leases {
                let _: EtcdWire.RangeResponse? = try? await client.call("/v3/lease/revoke", EtcdWire.LeaseRevokeRequest(ID: String(id)), timeout: .seconds(2))
            }
        }
    }

    /// What the head key holds: who changed the overlay last, for someone reading etcd by hand.
    static let headValue: String = {
        let host = ProcessInfo.processInfo.hostName
        return "{\"host\":\"\(host)\",\"pid\":\(getpid())}"
    }()
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
