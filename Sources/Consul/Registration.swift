public import Reconciler
public import Spec
import Addresses
import IPVS

/// One service as it should be in the agent: its definition (what `register` sends, check status
/// aside), what its check says now, and whether it is in maintenance.
public struct Registration: Sendable, Hashable {
    /// The check's `Status`/`Output` are left out here: they change through `check/update`, and a
    /// changed definition is what calls for a new `register`.
    public var definition: AgentServiceRegistration
    public var report: CheckReport
    /// Maintenance reason, or `nil`: not in maintenance.
    public var maintenance: String?
    /// The daemon's check is run by the agent (HTTP): nothing to update.
    public var agentChecked: Bool

    public var id: String { definition.id }
    public var checkID: String { definition.check.checkID }

    /// The definition with the check's status at registration, so a service appears already in
    /// its real state instead of Consul's default (critical) until the first update.
    public var registrationBody: AgentServiceRegistration {
        var body = definition
        if !agentChecked {
            body.check.status = report.status.rawValue
            body.check.output = report.output
        }
        return body
    }
}

/// Where the daemon's REST API can be reached, for its own registration as `gorb`.
public enum DaemonEndpoint: Sendable, Hashable {
    /// A TCP listener: `host` `nil` for every interface (the agent's node address is registered).
    case http(host: String?, port: Int)
    /// Only a unix socket: the agent cannot call it, so `gorb` gets a TTL check the registrar keeps
    /// passing while it runs (what `/healthz` would prove), and no port.
    case unixSocket
}

/// The registrations the published state calls for: one per service in force that registers, and
/// the daemon's own. A pure function of its inputs (tested as such).
public enum DesiredRegistrations {
    /// The Consul service id of a service: its name under our prefix, so ours never replace a
    /// service someone else registered on the same agent under the plain name.
    public static func serviceID(name: String) -> String { "gorb:\(name)" }

    /// The daemon's own service id and name (`dig gorb.service.consul`, as GORB's PR #22).
    public static let daemonID = ConsulName.daemon

    /// - Parameter maintenance: the host's maintenance reason (every service goes into Consul
    ///   maintenance), or `nil`.
    public static func make(state: LoadBalancerState, settings: ConsulSettings, daemon: DaemonEndpoint?, maintenance: String?) -> [String: Registration] {
        var result: [String: Registration] = [:]
        let ttl = Self.duration(settings.ttl)
        let deregisterAfter = Self.duration(settings.deregisterAfter)
        let kernelRead = state.kernel != nil
        for service in state.services where service.service.consul.register && !service.service.consul.name.isEmpty {
            let spec = service.service
            let name = spec.consul.name
            let id = serviceID(name: name)
            var meta: [String: String] = [ConsulMeta.managedBy: ConsulMeta.marker, "gorb-service": spec.id, "scheduler": spec.scheduler.rawValue]
            for pair in spec.consul.meta { meta[pair.key] = pair.value }
            let address: String?
            let port: Int
            switch spec.endpoint {
            case .address(let host, let servicePort, let proto):
                meta["protocol"] = "\(proto)"
                port = Int(servicePort)
                switch host {
                case .ip(let ip): address = "\(ip)"
                case .interface:
                    // The interface's address, as the last pass put it in the kernel; none yet:
                    // not registered until there is one.
                    guard case .socket(_, let ip, port: _)? = service.kernel?.key else { continue }
                    address = "\(ip)"
                }
            case .fwmark(let mark, let family):
                // No single address or port: registered for its health, with the mark in Meta;
                // Consul's DNS answers with this node's address.
                meta["fwmark"] = "\(mark)"
                meta["family"] = family == .ipv4 ? "ipv4" : "ipv6"
                address = nil
                port = 0
            }
            let check = AgentCheckDefinition(
                checkID: "service:\(id)",
                name: "gorb-reconcile: backends of \(spec.id)",
                ttl: ttl,
                deregisterCriticalServiceAfter: deregisterAfter
            )
            let definition = AgentServiceRegistration(id: id, name: name, tags: spec.consul.tags ?? settings.tags, address: address, port: port, meta: meta, check: check)
            result[id] = Registration(definition: definition, report: CheckReport(service, kernelRead: kernelRead), maintenance: maintenance, agentChecked: false)
        }
        if let daemon {
            result[daemonID] = daemonRegistration(daemon, settings: settings, ttl: ttl, deregisterAfter: deregisterAfter)
        }
        return result
    }

    static func daemonRegistration(_ daemon: DaemonEndpoint, settings: ConsulSettings, ttl: String, deregisterAfter: String) -> Registration {
        let meta = [ConsulMeta.managedBy: ConsulMeta.marker]
        switch daemon {
        case .http(let host, let port):
            // The agent runs on this host: it reaches a wildcard listener on loopback.
            let target = host ?? "127.0.0.1"
            let url = target.contains(":") ? "http://[\(target)]:\(port)/healthz" : "http://\(target):\(port)/healthz"
            let check = AgentCheckDefinition(checkID: "service:\(daemonID)", name: "gorb-reconcile REST API /healthz", http: url, interval: "10s", timeout: "2s", deregisterCriticalServiceAfter: deregisterAfter)
            let definition = AgentServiceRegistration(id: daemonID, name: ConsulName.daemon, tags: settings.tags, address: host, port: port, meta: meta, check: check)
            return Registration(definition: definition, report: CheckReport(.passing, "the agent checks /healthz"), maintenance: nil, agentChecked: true)
        case .unixSocket:
            let check = AgentCheckDefinition(checkID: "service:\(daemonID)", name: "gorb-reconcile is running (its API is a unix socket)", ttl: ttl, deregisterCriticalServiceAfter: deregisterAfter)
            let definition = AgentServiceRegistration(id: daemonID, name: ConsulName.daemon, tags: settings.tags, address: nil, port: 0, meta: meta, check: check)
            return Registration(definition: definition, report: CheckReport(.passing, "running"), maintenance: nil, agentChecked: false)
        }
    }

    /// Consul's duration text for whole seconds: `30s`, `10m`.
    static func duration(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        return seconds % 60 == 0 ? "\(seconds / 60)m" : "\(seconds)s"
    }
}
