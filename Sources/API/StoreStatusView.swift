import Reconciler

/// `GET /status`'s `store`: the fleet store the overlay lives in (etcd), and `gorb_store_*` in
/// `GET /metrics`. Absent with the local file.
struct StoreStatusView: Encodable {
    var kind: String
    var endpoints: [String]
    var prefix: String
    var connected: Bool
    var endpoint: String?
    var revision: Int64
    var latestRevision: Int64
    var watchLagRevisions: Int64
    var watchLagSeconds: Double
    var servingLocalCopy: Bool
    var lastError: String?
    var unreadableKeys: [String]
    var commits: Int
    var conflicts: Int
    var unavailable: Int

    enum CodingKeys: String, CodingKey {
        case kind, endpoints, prefix, connected, endpoint, revision
        case latestRevision = "latest-revision"
        case watchLagRevisions = "watch-lag-revisions"
        case watchLagSeconds = "watch-lag-seconds"
        case servingLocalCopy = "serving-local-copy"
        case lastError = "last-error"
        case unreadableKeys = "unreadable-keys"
        case commits, conflicts, unavailable
    }

    init(_ status: OverlayStoreStatus) {
        kind = status.kind
        endpoints = status.endpoints
        prefix = status.prefix
        connected = status.connected
        endpoint = status.endpoint
        revision = status.revision
        latestRevision = status.latestRevision
        watchLagRevisions = status.lagRevisions
        watchLagSeconds = status.lagSeconds
        servingLocalCopy = status.servingCopy
        lastError = status.lastError
        unreadableKeys = status.unreadable
        commits = status.commits
        conflicts = status.conflicts
        unavailable = status.unavailable
    }

    static func metrics(_ status: OverlayStoreStatus, into out: inout Exposition) {
        out.gauge("gorb_store_up", "1 when the fleet store (etcd) answered the last call or watch.", [([("kind", status.kind)], status.connected ? 1 : 0)])
        out.gauge("gorb_store_revision", "The store revision the overlay in force is exact at.", [([], Double(status.revision))])
        out.gauge("gorb_store_watch_lag_revisions", "Changes the store holds that the watch has not delivered yet.", [([], Double(status.lagRevisions))])
        out.gauge("gorb_store_watch_lag_seconds", "How long the watch has been behind the store (0 when caught up).", [([], status.lagSeconds)])
        out.counter("gorb_store_commits_total", "Overlay changes this host committed in the store.", Double(status.commits))
        out.counter("gorb_store_conflicts_total", "Overlay changes that lost to another change and were made again.", Double(status.conflicts))
        out.counter("gorb_store_unavailable_total", "Overlay changes refused because the store could not be reached.", Double(status.unavailable))
        out.counter("gorb_store_watch_restarts_total", "Times the watch was opened again.", Double(status.watchRestarts))
        out.counter("gorb_store_full_reads_total", "Reads of the whole overlay (start, compaction).", Double(status.fullReads))
    }
}
