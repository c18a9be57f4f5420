import Addresses
import Reconciler
import Spec
import VIPs

/// `GET /status`'s `vips`: the VIP keeper's last sync (present when `settings.vips` is set).
struct VIPsStatusView: Encodable {
    var interface: String
    /// The last sync changed everything it had to.
    var inSync: Bool
    var error: String?
    var desired: Int
    var present: Int
    var owned: Int
    var adopted: Int
    /// Owned addresses no service uses that could not be removed yet.
    var stale: [String]
    var syncs: Int
    var lastSync: String?

    enum CodingKeys: String, CodingKey {
        case interface
        case inSync = "in-sync"
        case error, desired, present, owned, adopted, stale, syncs
        case lastSync = "last-sync"
    }

    init?(_ state: VIPsState) {
        guard let interface = state.interface else { return nil }
        self.interface = interface
        inSync = state.error == nil
        error = state.error
        desired = state.vips.count
        present = state.present.count
        owned = state.vips.filter(\.owned).count
        adopted = state.vips.filter(\.adopted).count
        stale = state.stale.map(\.description)
        syncs = state.syncs
        lastSync = state.lastSyncAt.map(OverrideView.timestamp)
    }
}

/// `GET /service/{id}`'s `vip`: whether the service's address is on the VIP interface.
struct ServiceVIPView: Encodable {
    var address: String
    var present: Bool
    /// `owned` (added by the daemon), `adopted` (there before; never removed) or `missing`.
    var ownership: String
    var error: String?

    init?(_ service: Service, in state: VIPsState?) {
        guard let state, state.isConfigured, case .address(.ip(let address), _, _) = service.endpoint,
              let vip = state.vip(address)
        else { return nil }
        self.address = "\(address)"
        present = vip.present
        ownership = vip.ownership
        error = vip.error
    }
}

extension MetricsText {
    /// The VIP keeper's gauges and counters (none when `settings.vips` is not set).
    static func vipMetrics(_ state: VIPsState?, into out: inout Exposition) {
        guard let state, state.isConfigured else { return }
        let labels = state.vips.map { vip -> (Labels, VIPStatus) in ([("vip", "\(vip.address)")], vip) }
        out.gauge("gorb_vip_present", "1 when the VIP is on settings.vips.interface as of the last sync.", labels.map { ($0.0, $0.1.present ? 1 : 0) })
        out.gauge("gorb_vip_owned", "1 when the daemon added the VIP (removed when no service uses it); 0 when adopted or missing.", labels.map { ($0.0, $0.1.owned ? 1 : 0) })
        out.gauge("gorb_vips_in_sync", "1 when the last VIP sync changed everything it had to (0: see GET /status and the log).", [([("interface", state.interface ?? "")], state.error == nil ? 1 : 0)])
        out.gauge("gorb_vips_stale", "Owned addresses no service uses that could not be removed yet.", [([], Double(state.stale.count))])
        out.family("gorb_vip_changes_total", "counter", "Addresses added to or removed from the VIP interface.")
        out.sample("gorb_vip_changes_total", [("kind", "add")], Double(state.added))
        out.sample("gorb_vip_changes_total", [("kind", "remove")], Double(state.removed))
        out.counter("gorb_vip_failures_total", "VIP syncs or address changes that failed.", Double(state.failures))
    }
}
