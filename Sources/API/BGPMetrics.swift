import BGP
import Reconciler

/// The maintenance and BGP families of `GET /metrics`.
enum BGPMetrics {
    static func render(into out: inout Exposition, maintenance: Maintenance, bgp: BGPStatus?) {
        out.gauge("gorb_maintenance", "1 while the host is in maintenance (every BGP route withdrawn).", [([], maintenance.enabled ? 1 : 0)])
        guard let bgp else { return }
        out.gauge("gorb_bgp_vip_announced", "1 when BIRD has the VIP's route (the last configure it accepted), 0 otherwise; reason says why not.", bgp.views.map { view in
            ([("vip", "\(view.vip)"), ("reason", view.reason ?? "")], view.announced ? 1 : 0)
        })
        out.gauge("gorb_bgp_bird_up", "1 when the last talk with BIRD's control socket succeeded.", [([], bgp.birdReachable == true ? 1 : 0)])
        out.counter("gorb_bgp_configures_total", "configure commands BIRD accepted.", Double(bgp.configures))
        out.counter("gorb_bgp_failures_total", "Attempts to hand BIRD the routes that failed (unreachable, refused, file not written).", Double(bgp.failures))
    }
}
