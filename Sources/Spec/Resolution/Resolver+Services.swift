import Addresses
import YAMLBridge

/// A service: its endpoint (an address and port, or a firewall mark), scheduler, persistence and
/// flags, and its backends, which must not share an address and port.
extension Resolver {
    mutating func resolveService(
        _ entry: OrderedEntries<ServiceOptions>.Entry,
        inherited: Inherited,
        settings: Settings,
        path: [PathComponent]
    ) -> Service? {
        let written = entry.value
        let options = written.inheriting(from: inherited.service)
        let source = written.source
        var valid = true
        func field(_ name: String) -> [PathComponent] { path + [.key(name)] }

        // Scheduler.
        var scheduler = Defaults.scheduler
        if let method = options.method {
            if let value = Scheduler(rawValue: method.lowercased()) {
                scheduler = value
            } else {
                error(field("method"), source["method"], unknownWord("scheduler", method, Scheduler.allCases.map(\.rawValue)))
                valid = false
            }
        }

        // Persistence.
        var persistence: Persistence?
        switch options.persistent {
        case .none, .off?: persistence = nil
        case .on?: persistence = Persistence(timeout: Defaults.persistenceTimeout)
        case .timeout(let duration)?:
            if let seconds = wholeSeconds(duration, in: 1...2_592_000, path: field("persistent"), mark: source["persistent"], what: "the persistence timeout") {
                persistence = Persistence(timeout: seconds)
            } else {
                valid = false
            }
        }

        // Endpoint.
        let endpoint: ServiceEndpoint?
        if let fwmark = options.fwmark {
            // Judge host/port/protocol as written: an inherited default protocol does not clash with fwmark.
            endpoint = fwmarkEndpoint(fwmark, options: written, source: source, path: path)
        } else {
            endpoint = addressEndpoint(entry.id, options: options, source: source, path: path, settings: settings, persistent: persistence != nil, objectMark: entry.mark ?? source.object)
        }
        let family = endpoint?.family

        // Persistence details.
        if let netmask = options.netmask {
            if persistence == nil {
                error(field("netmask"), source["netmask"], "netmask is the persistence granularity; it needs 'persistent'")
                valid = false
            } else if let family {
                if let length = netmask.prefixLength(for: family) {
                    persistence?.prefixLength = length
                } else {
                    let forms = family == .ipv4 ? "an IPv4 mask like 255.255.255.0 or a prefix length from 1 to 32" : "a prefix length from 1 to 128"
                    error(field("netmask"), source["netmask"], "netmask must be \(forms), found '\(netmask)'")
                    valid = false
                }
            }
        }
        if let engine = options.persistenceEngine {
            if persistence == nil {
                error(field("persistence-engine"), source["persistence-engine"], "a persistence engine needs 'persistent'")
                valid = false
            } else if engine.lowercased() != "sip" {
                error(field("persistence-engine"), source["persistence-engine"], "unknown persistence engine '\(engine)' (the kernel has one: sip)")
                valid = false
            } else {
                persistence?.engine = "sip"
            }
        }

        // One-packet scheduling.
        let onePacket = options.onePacket ?? false
        if onePacket, case .address(_, _, let proto)? = endpoint, proto != .udp {
            error(field("one-packet"), source["one-packet"], "one-packet scheduling is for UDP services; this one is \(proto)")
            valid = false
        }

        // Flags.
        var flags = Set<ServiceFlag>()
        for name in options.flags?.names ?? [] {
            guard let flag = ServiceFlag(rawValue: name.lowercased()) else {
                error(field("flags"), source["flags"], unknownWord("flag", name, ServiceFlag.allCases.map(\.rawValue)))
                valid = false
                continue
            }
            let isSpecific = Scheduler.allCases.contains { $0.specificFlags.contains(flag) }
            if isSpecific, !scheduler.specificFlags.contains(flag) {
                let owner = flag.rawValue.hasPrefix("sh") ? "sh" : "mh"
                error(field("flags"), source["flags"], "flag '\(flag)' is for the \(owner) scheduler; this service uses \(scheduler)")
                valid = false
                continue
            }
            flags.insert(flag)
        }

        // Backends.
        let servicePulse = written.pulse
        var backends: [Backend] = []
        var seen: [BackendEndpoint: String] = [:]
        let defaultPort: UInt16? = {
            switch endpoint {
            case .address(_, let port, _)?: port
            case .fwmark?: 0
            case nil: nil
            }
        }()
        // By index: a backend is a big value, and the loop variable of `for in` would be a copy.
        let backendEntries = options.backends?.entries ?? []
        seen.reserveCapacity(backendEntries.count)
        for index in backendEntries.indices {
            let id = backendEntries[index].id
            func backendPath() -> [PathComponent] { path + [.key("backends"), .key(id)] }
            checkID(id, path: backendPath, mark: backendEntries[index].mark, what: "backend")
            guard let backend = resolveBackend(backendEntries[index], inherited: inherited, servicePulse: servicePulse, servicePort: defaultPort, serviceFamily: family, path: backendPath) else {
                valid = false
                continue
            }
            let key = BackendEndpoint(address: backend.address, port: backend.port)
            if let other = seen[key] {
                let backendEntry = backendEntries[index]
                error(backendPath(), backendEntry.mark, "backend '\(backendEntry.id)' has the same address and port (\(key)) as backend '\(other)' of this service")
                valid = false
            } else {
                seen[key] = id
            }
            backends.append(backend)
        }

        // Quorum and the sorry server.
        var quorum = Defaults.quorum
        if let value = options.quorum {
            if (0...100_000).contains(value) {
                quorum = value
            } else {
                error(field("quorum"), source["quorum"] ?? inherited.service?.source["quorum"], "quorum must be from 0 to 100000 healthy backends, found \(value)")
                valid = false
            }
        }
        let fallbacks = backends.filter(\.fallback)
        if fallbacks.count > 1 {
            error(field("backends"), source["backends"], "a service has at most one fallback backend; found \(fallbacks.count): \(fallbacks.map(\.id).joined(separator: ", "))")
            valid = false
        }

        let consul = resolveRegistration(id: entry.id, options: options.consul, path: path)

        guard valid, let endpoint, !source.invalid.contains("backends") else { return nil }
        return Service(
            id: entry.id,
            endpoint: endpoint,
            scheduler: scheduler,
            flags: flags.sorted(),
            persistence: persistence,
            onePacket: onePacket,
            backends: backends,
            quorum: quorum,
            consul: consul
        )
    }

    private mutating func fwmarkEndpoint(_ fwmark: UInt32, options: ServiceOptions, source: SourceMarks, path: [PathComponent]) -> ServiceEndpoint? {
        var ok = true
        if fwmark == 0 {
            error(path + [.key("fwmark")], source["fwmark"], "fwmark must be from 1 to 4294967295 (0 means no mark)")
            ok = false
        }
        for (name, present) in [("host", options.host != nil), ("port", options.port != nil), ("protocol", options.protocol != nil)] where present {
            error(path + [.key(name)], source[name], "a fwmark service matches packets by their mark; '\(name)' does not apply (remove it, or remove 'fwmark')")
            ok = false
        }
        var family = AddressFamily.ipv4
        if let text = options.family {
            if let value = Self.family(text) {
                family = value
            } else {
                error(path + [.key("family")], source["family"], unknownWord("address family", text, ["ipv4", "ipv6"]))
                ok = false
            }
        }
        return ok ? .fwmark(fwmark, family: family) : nil
    }

    static func family(_ text: String) -> AddressFamily? {
        switch text.lowercased() {
        case "ipv4", "inet", "v4", "4": .ipv4
        case "ipv6", "inet6", "v6", "6": .ipv6
        default: nil
        }
    }

    private mutating func addressEndpoint(_ id: String, options: ServiceOptions, source: SourceMarks, path: [PathComponent], settings: Settings, persistent: Bool, objectMark: Mark?) -> ServiceEndpoint? {
        var ok = true
        var proto = Defaults.protocol
        if let text = options.protocol {
            if let value = TransportProtocol(name: text.lowercased()) {
                proto = value
            } else {
                error(path + [.key("protocol")], source["protocol"], unknownWord("protocol", text, TransportProtocol.allCases.map(\.description)))
                ok = false
            }
        }
        var port: UInt16 = 0
        if let value = options.port {
            port = value
            if value == 0, !persistent {
                error(path + [.key("port")], source["port"], "port 0 (all ports) is only allowed for a persistent service; use a port from 1 to 65535")
                ok = false
            }
        } else if !source.invalid.contains("port") {
            error(path, objectMark, "service '\(id)' needs a 'port' (or a 'fwmark' instead of host and port)")
            ok = false
        } else {
            ok = false
        }
        var host: ServiceHost?
        if let text = options.host {
            if let address = IPAddress(text) {
                if address.isUnicast {
                    host = .ip(address)
                } else {
                    error(path + [.key("host")], source["host"], "the VIP \(address) is not a unicast address")
                    ok = false
                }
            } else {
                error(path + [.key("host")], source["host"], "'\(text)' is not an IPv4 or IPv6 address (host names are not resolved: write the address)")
                ok = false
            }
            if let familyText = options.family, let family = Self.family(familyText), let address = IPAddress(text), family != address.family {
                error(path + [.key("family")], source["family"], "family \(family) contradicts host \(address)")
                ok = false
            }
        } else if source.invalid.contains("host") {
            ok = false
        } else if let interface = settings.interface {
            host = .interface(interface)
        } else {
            error(path, objectMark, "service '\(id)' has no 'host', and no interface to take one from: set 'host', or 'settings.interface' (or run with -i IFACE)")
            ok = false
        }
        guard ok, let host else { return nil }
        return .address(host: host, port: port, protocol: proto)
    }
}

/// A backend's address and port: two backends of a service must not share one.
private struct BackendEndpoint: Hashable, CustomStringConvertible {
    var address: IPAddress
    var port: UInt16

    var description: String { address.family == .ipv6 ? "[\(address)]:\(port)" : "\(address):\(port)" }
}
