import Addresses
import Checks
import IPVS
import Reconciler
import Spec

/// `GET /metrics` in the Prometheus text format: GORB's metric names and labels, plus the
/// reconciler's own and the kernel's counters.
///
/// Everything is computed afresh on each scrape from the state in force, so the series of a
/// deleted service or backend disappear with it (GORB kept exporting them forever).
enum MetricsText {
    static func render(_ api: GorbAPI) -> String {
        let state = api.state
        let status = state.status
        let overrides = state.overlay.overrides.count
        // Counters as of this scrape, not of the last pass (which may be a resync period ago).
        let observed = try? api.controller.observe(state.desired)
        let now = WallTime.current().seconds
        var out = Exposition()

        // GORB's service and backend gauges: each family's samples gathered first, then written
        // as one group after its HELP and TYPE (the text format requires it).
        var serviceHealth: [(Labels, Double)] = []
        var serviceBackends: [(Labels, Double)] = []
        var backendHealth: [(Labels, Double)] = []
        var backendStatus: [(Labels, Double)] = []
        var kernelWeight: [(Labels, Double)] = []
        var desiredWeight: [(Labels, Double)] = []
        var backendUptime: [(Labels, Double)] = []
        var serviceStats: [(Labels, IPVSStats)] = []
        var backendStats: [(Labels, IPVSDestination)] = []
        for service in state.services {
            let info = api.serviceInfo(service)
            let labels = serviceLabels(service.service)
            serviceHealth.append((labels, info.health))
            serviceBackends.append((labels, Double(service.backends.count)))
            if let held = observed?.services[service.id] { serviceStats.append((labels, held.stats)) }
            let held = observed?.backends[service.id]
            for backend in service.backends {
                let backendLabels: Labels = [("service_name", service.id), ("name", backend.id), ("host", "\(backend.backend.address)"), ("port", "\(backend.backend.port)")]
                let metrics = BackendMetrics(backend, statistics: api.health?.statistics(of: BackendKey(service: service.id, backend: backend.id)), now: now)
                backendHealth.append((backendLabels, metrics.health))
                backendStatus.append((backendLabels, Double(metrics.status)))
                desiredWeight.append((backendLabels, Double(backend.weight)))
                backendUptime.append((backendLabels, metrics.uptimeSeconds))
                if let destination = held?[backend.id] {
                    kernelWeight.append((backendLabels, Double(destination.weight)))
                    backendStats.append((backendLabels, destination))
                }
            }
        }
        out.gauge("gorb_service_health", "Mean health of the service's backends (0 to 1; 1 with none).", serviceHealth)
        out.gauge("gorb_service_backends", "Number of backends of the service.", serviceBackends)
        out.gauge("gorb_service_backend_health", "Share of the backend's recent checks that passed (0 to 1).", backendHealth)
        out.gauge("gorb_service_backend_status", "Backend status: 0 up, 1 down.", backendStatus)
        out.gauge("gorb_service_backend_weight", "The weight the kernel holds for the backend, read at this scrape (absent when the kernel could not be read or holds no such backend).", kernelWeight)
        out.gauge("gorb_service_backend_desired_weight", "The weight the daemon wants for the backend now: the configured weight with health and ramp applied.", desiredWeight)
        out.gauge("gorb_service_backend_uptime_seconds", "Seconds since the backend last came up.", backendUptime)

        // The reconciler.
        out.counter("gorb_reconcile_passes_total", "Reconcile passes run.", Double(status.passes))
        out.counter("gorb_reconcile_pass_errors_total", "Passes that could not read the kernel or the state.", Double(status.failedPasses))
        out.family("gorb_reconcile_changes_total", "counter", "Kernel changes applied, by kind.")
        for kind in ["create", "update", "delete", "drain"] {
            let count = status.changesByKind.first { $0.key.rawValue == kind }?.value ?? 0
            out.sample("gorb_reconcile_changes_total", [("kind", kind)], Double(count))
        }
        out.family("gorb_reconcile_pass_duration_seconds", "summary", "Time spent in reconcile passes.")
        out.sample("gorb_reconcile_pass_duration_seconds_sum", [], status.passSeconds)
        out.sample("gorb_reconcile_pass_duration_seconds_count", [], Double(status.passes - status.failedPasses))
        out.counter("gorb_reconcile_drift_repairs_total", "Changes made to undo changes made to the kernel by hand.", Double(status.driftRepaired))
        out.counter("gorb_reconcile_reloads_total", "Config reloads (SIGHUP, POST /reload).", Double(status.reloads))
        out.counter("gorb_reconcile_reload_failures_total", "Reloads refused because the file was invalid.", Double(status.reloadFailures))
        out.gauge("gorb_reconcile_config_valid", "1 when the last reload succeeded, 0 when the last good file is in force instead.", [([], status.lastReloadSucceeded ? 1 : 0)])
        out.gauge("gorb_reconcile_last_pass_failures", "Changes the kernel refused in the last pass.", [([], Double(status.lastPass?.failures.count ?? 0))])
        out.gauge("gorb_reconcile_overrides", "REST API overrides kept.", [([], Double(overrides))])
        out.gauge("gorb_reconcile_overrides_not_in_force", "Overrides kept but not applied (their object left the file).", [([], Double(status.overlayProblems.count))])

        // The kernel's counters and rates (none when it could not be read: gorb_ipvs_up says 0).
        if observed != nil {
            out.stats(prefix: "gorb_ipvs_service", what: "service", serviceStats)
            out.stats(prefix: "gorb_ipvs_backend", what: "backend", backendStats.map { ($0.0, $0.1.stats) })
            out.gauge("gorb_ipvs_backend_active_connections", "Active connections (the kernel's ActiveConn).", backendStats.map { ($0.0, Double($0.1.activeConnections)) })
            out.gauge("gorb_ipvs_backend_inactive_connections", "Inactive connections (the kernel's InActConn).", backendStats.map { ($0.0, Double($0.1.inactiveConnections)) })
        }
        out.gauge("gorb_ipvs_up", "1 when the kernel's IPVS table could be read for this scrape.", [([], observed == nil ? 0 : 1)])
        if let store = api.controller.overlayStore.status { StoreStatusView.metrics(store, into: &out) }
        vipMetrics(api.vipsState, into: &out)
        BGPMetrics.render(into: &out, maintenance: state.maintenance, bgp: api.bgpStatus)
        return out.text
    }

    static func serviceLabels(_ service: Service) -> Labels {
        switch service.endpoint {
        case .address(let host, let port, let proto):
            let hostText: String
            switch host {
            case .ip(let address): hostText = "\(address)"
            case .interface: hostText = ""
            }
            return [("name", service.id), ("host", hostText), ("port", "\(port)"), ("protocol", proto.description)]
        case .fwmark(let mark, _):
            return [("name", service.id), ("host", ""), ("port", "0"), ("protocol", "fwmark:\(mark)")]
        }
    }

    typealias Labels = [(String, String)]
}

/// Builds the text, one family at a time.
struct Exposition {
    private(set) var text = ""

    mutating func family(_ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    mutating func sample(_ name: String, _ labels: MetricsText.Labels, _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " \(Self.format(value))\n"
    }

    mutating func gauge(_ name: String, _ help: String, _ samples: [(MetricsText.Labels, Double)]) {
        family(name, "gauge", help)
        for (labels, value) in samples { sample(name, labels, value) }
    }

    mutating func counter(_ name: String, _ help: String, _ value: Double) {
        family(name, "counter", help)
        sample(name, [], value)
    }

    mutating func stats(prefix: String, what: String, _ samples: [(MetricsText.Labels, IPVSStats)]) {
        let counters: [(String, String, KeyPath<IPVSStats, UInt64>)] = [
            ("connections_total", "Connections scheduled to the \(what).", \.connections),
            ("in_packets_total", "Packets from clients through the \(what).", \.inPackets),
            ("out_packets_total", "Packets to clients through the \(what).", \.outPackets),
            ("in_bytes_total", "Bytes from clients through the \(what).", \.inBytes),
            ("out_bytes_total", "Bytes to clients through the \(what).", \.outBytes),
        ]
        for (suffix, help, path) in counters {
            family("\(prefix)_\(suffix)", "counter", help)
            for (labels, stats) in samples { sample("\(prefix)_\(suffix)", labels, Double(stats[keyPath: path])) }
        }
        // The kernel's estimates, averaged over a few seconds (ipvsadm -L --rate).
        let rates: [(String, String, KeyPath<IPVSStats, UInt64>)] = [
            ("connections_per_second", "Connections per second to the \(what), as the kernel estimates it.", \.connectionsPerSecond),
            ("in_packets_per_second", "Packets per second from clients through the \(what), as the kernel estimates it.", \.inPacketsPerSecond),
            ("out_packets_per_second", "Packets per second to clients through the \(what), as the kernel estimates it.", \.outPacketsPerSecond),
            ("in_bytes_per_second", "Bytes per second from clients through the \(what), as the kernel estimates it.", \.inBytesPerSecond),
            ("out_bytes_per_second", "Bytes per second to clients through the \(what), as the kernel estimates it.", \.outBytesPerSecond),
        ]
        for (suffix, help, path) in rates {
            gauge("\(prefix)_\(suffix)", help, samples.map { ($0.0, Double($0.1[keyPath: path])) })
        }
    }

    static func escape(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
