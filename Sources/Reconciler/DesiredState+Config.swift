import Addresses
public import IPVS
public import Spec

extension DesiredState {
    /// Translates a validated config into kernel objects, each backend with the weight `config`
    /// gives it (in the daemon, the weight in force: see ``Composition``).
    ///
    /// - Parameter interfaces: looks up the VIP of services without `host`.
    /// - Returns: the desired state and a problem per service that could not be translated (its
    ///   id is in ``held`` so the planner leaves it alone).
    public static func from(
        _ config: Config,
        interfaces: some InterfaceAddresses
    ) -> (state: DesiredState, problems: [ReconcileProblem]) {
        var state = DesiredState()
        var problems: [ReconcileProblem] = []
        for service in config.services {
            let key: IPVSService.Key
            do {
                key = try Self.key(of: service, interfaces: interfaces)
            } catch {
                problems.append(ReconcileProblem(subject: service.id, message: "\(error)"))
                state.held.insert(service.id)
                continue
            }
            let kernelService = IPVSService(
                key: key,
                scheduler: service.scheduler.rawValue,
                flags: IPVSServiceFlags(rawValue: service.flagBits),
                timeout: service.persistence?.timeout ?? 0,
                persistencePrefixLength: service.persistence?.prefixLength.map { UInt8($0) },
                persistenceEngine: service.persistence?.engine
            )
            let destinations = service.backends.map { backend in
                DesiredDestination(id: backend.id, destination: IPVSDestination(backend), drain: backend.drain)
            }
            state.services.append(DesiredService(id: service.id, service: kernelService, destinations: destinations))
        }
        let timeouts = config.settings.timeouts
        if !timeouts.isEmpty {
            state.timeouts = IPVSTimeouts(tcp: timeouts.tcp ?? 0, tcpFin: timeouts.tcpfin ?? 0, udp: timeouts.udp ?? 0)
        }
        return (state, problems)
    }
}

extension DesiredState {
    /// The kernel's key of a service: its VIP (the interface's first address when it has no
    /// `host`), port and protocol, or its firewall mark.
    public static func key(of service: Service, interfaces: some InterfaceAddresses) throws(InterfaceAddressError) -> IPVSService.Key {
        switch service.endpoint {
        case .fwmark(let mark, let family):
            return .firewallMark(mark, family: family)
        case .address(let host, let port, let proto):
            let address: IPAddress
            switch host {
            case .ip(let ip): address = ip
            case .interface(let name): address = try interfaces.firstAddress(of: name)
            }
            return .socket(proto, address, port: port)
        }
    }
}

extension IPVSDestination {
    /// The kernel destination for a backend.
    init(_ backend: Backend) {
        var forwarding = IPVSForwarding.masquerade
        var tunnelType = IPVSTunnelType.ipip
        var tunnelPort: UInt16 = 0
        var tunnelFlags: IPVSTunnelFlags = []
        switch backend.forwarding {
        case .nat: forwarding = .masquerade
        case .dr: forwarding = .directRoute
        case .tunnel(let tunnel):
            forwarding = .tunnel
            tunnelPort = tunnel.port
            switch tunnel.type {
            case .ipip: tunnelType = .ipip
            case .gue: tunnelType = .gue
            case .gre: tunnelType = .gre
            }
            switch tunnel.checksum {
            case .none: tunnelFlags = []
            case .checksum: tunnelFlags = .checksum
            case .remote: tunnelFlags = .remoteChecksum
            }
        }
        self.init(
            address: backend.address,
            port: backend.port,
            forwarding: forwarding,
            weight: backend.weight,
            upperThreshold: backend.upperThreshold,
            lowerThreshold: backend.lowerThreshold,
            tunnelType: tunnelType,
            tunnelPort: tunnelPort,
            tunnelFlags: tunnelFlags
        )
    }
}

/// A problem a reconcile pass met with one object, reported and retried, not fatal to the pass.
public struct ReconcileProblem: Sendable, Hashable, CustomStringConvertible {
    /// The id (`web`, `web/web-1`) or ipvsadm form of the object.
    public var subject: String
    public var message: String

    public init(subject: String, message: String) {
        self.subject = subject
        self.message = message
    }

    public var description: String { "\(subject): \(message)" }
}
