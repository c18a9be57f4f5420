import Addresses
import YAMLBridge

/// Turns a ``ConfigFile`` (as written) into a ``Config`` (as meant): applies defaults in order
/// (object → service `pulse` → `defaults` → built-in), checks every rule, and collects every
/// problem with its position instead of stopping at the first.
struct Resolver {
    private(set) var diagnostics: [Diagnostic] = []
    /// `run -i` / `validate -i`: wins over `settings.interface`.
    let interfaceOverride: String?
    /// Services already resolved without a problem, by id, with the form they were resolved from.
    /// A service written exactly the same way (and so, under the same `defaults` and `settings`,
    /// resolving the same way) is taken as it is: a REST API change touches one service of
    /// thousands, and resolving the others again cost it 100 ms at 11,000 objects.
    let known: [String: KnownService]

    /// A service as written and as resolved.
    struct KnownService {
        var written: ServiceOptions
        var resolved: Service
    }

    /// The `defaults` section as services and backends inherit from it, with its pulses taken out
    /// once: asked for every backend, they were copied out of the section (a big value) each time.
    struct Inherited {
        var service: ServiceOptions?
        var backend: BackendOptions?
        /// The fields of `backend` that backends inherit.
        var backendInheritance: BackendOptions.Inheritance?
        var servicePulse: PulseOptions?
        var backendPulse: PulseOptions?
        /// Whether either default has a pulse (if not, a backend's pulse is not merged with them).
        var hasPulse: Bool

        init(_ defaults: DefaultsOptions) {
            service = defaults.service
            backend = defaults.backend
            backendInheritance = defaults.backend?.inheritance
            servicePulse = defaults.service?.pulse
            backendPulse = defaults.backend?.pulse
            hasPulse = servicePulse != nil || backendPulse != nil
        }
    }

    init(interfaceOverride: String?, known: [String: KnownService] = [:]) {
        self.interfaceOverride = interfaceOverride
        self.known = known
    }

    mutating func error(_ path: [PathComponent], _ mark: Mark?, _ message: String) {
        diagnostics.append(Diagnostic(mark: mark, path: path, message: message))
    }

    // MARK: - The file

    mutating func resolve(_ file: ConfigFile) -> Config {
        let settings = resolveSettings(file.settings)
        let defaults = file.defaults ?? DefaultsOptions()
        checkDefaults(defaults)
        let inherited = Inherited(defaults)
        var services: [Service] = []
        var identities: [ServiceEndpoint: (id: String, mark: Mark?)] = [:]
        for entry in file.services?.entries ?? [] {
            let path: [PathComponent] = [.key("services"), .key(entry.id)]
            let service: Service
            if !known.isEmpty, let known = known[entry.id], known.written == entry.value {
                service = known.resolved
            } else {
                checkID(entry.id, path: { path }, mark: entry.mark, what: "service")
                guard let resolved = resolveService(entry, inherited: inherited, settings: settings, path: path) else { continue }
                service = resolved
            }
            // Two services clash in the kernel when their endpoints are equal.
            if let first = identities[service.endpoint] {
                let at = first.mark.map { " at \($0)" } ?? ""
                error(path, entry.mark, "service '\(entry.id)' has the same kernel identity (\(service.endpoint)) as service '\(first.id)'\(at)")
            } else {
                identities[service.endpoint] = (entry.id, entry.mark)
            }
            services.append(service)
        }
        return Config(settings: settings, services: services, defaults: defaults)
    }

    private mutating func checkID(_ id: String, path: () -> [PathComponent], mark: Mark?, what: String) {
        var bytes = id
        let valid = bytes.withUTF8 { utf8 in
            !utf8.isEmpty && utf8.count <= 128 && utf8.allSatisfy(Self.isIDByte)
        }
        if !valid {
            error(path(), mark, "\(what) id '\(id)' must be 1 to 128 letters, digits, '-', '_', '.', ':' or '@' (it is a REST API path segment)")
        }
    }

    /// An ASCII letter or digit, '-', '_', '.', ':' or '@'.
    private static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "@"): true
        default: false
        }
    }

    // MARK: - settings and defaults

    private mutating func resolveSettings(_ options: SettingsOptions?) -> Settings {
        var settings = Settings()
        guard let options else {
            settings.interface = interfaceOverride
            return settings
        }
        let path: [PathComponent] = [.key("settings")]
        settings.interface = interfaceOverride ?? options.interface
        if let interface = options.interface, interface.isEmpty || interface.count > 15 || interface.contains("/") || interface.contains(" ") {
            error(path + [.key("interface")], options.source["interface"], "'\(interface)' is not a valid interface name (1 to 15 characters, no '/' or spaces)")
        }
        if let resync = options.resync {
            if let problem = Settings.resyncProblem(resync.duration, written: "\(resync)") {
                error(path + [.key("resync")], options.source["resync"], problem)
            } else {
                settings.resync = resync.duration
            }
        }
        if let prune = options.prune {
            if let mode = PruneMode(rawValue: prune.lowercased()) {
                settings.prune = mode
            } else {
                error(path + [.key("prune")], options.source["prune"], unknownWord("prune mode", prune, PruneMode.allCases.map(\.rawValue)))
            }
        }
        if let timeouts = options.timeouts {
            let base = path + [.key("timeouts")]
            settings.timeouts.tcp = kernelTimeout(timeouts.tcp, base + [.key("tcp")], timeouts.source["tcp"])
            settings.timeouts.tcpfin = kernelTimeout(timeouts.tcpfin, base + [.key("tcpfin")], timeouts.source["tcpfin"])
            settings.timeouts.udp = kernelTimeout(timeouts.udp, base + [.key("udp")], timeouts.source["udp"])
        }
        return settings
    }

    private mutating func kernelTimeout(_ value: DurationValue?, _ path: [PathComponent], _ mark: Mark?) -> UInt32? {
        guard let value else { return nil }
        return wholeSeconds(value.duration, in: 1...2_592_000, path: path, mark: mark, what: "a kernel timeout")
    }

    private mutating func wholeSeconds(_ duration: Duration, in range: ClosedRange<Int64>, path: [PathComponent], mark: Mark?, what: String) -> UInt32? {
        let (seconds, attoseconds) = duration.components
        guard attoseconds == 0 else {
            error(path, mark, "\(what) is counted in whole seconds, found \(DurationText.format(duration))")
            return nil
        }
        guard range.contains(seconds) else {
            error(path, mark, "\(what) must be from \(DurationText.format(.seconds(range.lowerBound))) to \(DurationText.format(.seconds(range.upperBound))), found \(DurationText.format(duration))")
            return nil
        }
        return UInt32(seconds)
    }

    private mutating func checkDefaults(_ defaults: DefaultsOptions) {
        let path: [PathComponent] = [.key("defaults")]
        if let service = defaults.service {
            let base = path + [.key("service")]
            for (field, present) in [("host", service.host != nil), ("port", service.port != nil), ("fwmark", service.fwmark != nil), ("family", service.family != nil), ("backends", service.backends != nil)] where present {
                error(base + [.key(field)], service.source[field], "'\(field)' identifies a service and cannot have a default; set it on each service")
            }
        }
        if let backend = defaults.backend {
            let base = path + [.key("backend")]
            for (field, present) in [("host", backend.host != nil), ("port", backend.port != nil)] where present {
                error(base + [.key(field)], backend.source[field], "'\(field)' identifies a backend and cannot have a default; set it on each backend")
            }
            if backend.fallback != nil {
                error(base + [.key("fallback")], backend.source["fallback"], "'fallback' marks one backend as its service's sorry server and cannot have a default; set it on that backend")
            }
        }
    }

    // MARK: - services

    private mutating func resolveService(
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

        guard valid, let endpoint, !source.invalid.contains("backends") else { return nil }
        return Service(
            id: entry.id,
            endpoint: endpoint,
            scheduler: scheduler,
            flags: flags.sorted(),
            persistence: persistence,
            onePacket: onePacket,
            backends: backends,
            quorum: quorum
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

    private static func family(_ text: String) -> AddressFamily? {
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

    // MARK: - backends

    private mutating func resolveBackend(
        _ entry: OrderedEntries<BackendOptions>.Entry,
        inherited: Inherited,
        servicePulse: PulseOptions?,
        servicePort: UInt16?,
        serviceFamily: AddressFamily?,
        path: () -> [PathComponent]
    ) -> Backend? {
        // One copy of the backend, completed in place (not `inheriting(from:)`, a second copy).
        var options = entry.value
        let source = options.source
        let fallback = options.fallback
        if let base = inherited.backendInheritance { options.inherit(base) }
        // The service's pulse sits between the backend's own and the defaults; a backend whose
        // pulse is the only one keeps it as it is.
        if servicePulse != nil || inherited.hasPulse {
            options.pulse = PulseOptions.merge([options.pulse, servicePulse, inherited.servicePulse, inherited.backendPulse])
        }
        var ok = true
        func field(_ name: String) -> [PathComponent] { path() + [.key(name)] }

        var address: IPAddress?
        if let text = options.host {
            if let value = IPAddress(text) {
                if value.isUnicast {
                    address = value
                } else {
                    error(field("host"), source["host"], "the backend address \(value) is not a unicast address")
                    ok = false
                }
            } else {
                error(field("host"), source["host"], "'\(text)' is not an IPv4 or IPv6 address (host names are not resolved: write the address)")
                ok = false
            }
        } else if !source.invalid.contains("host") {
            error(path(), entry.mark ?? source.object, "backend '\(entry.id)' needs a 'host'")
            ok = false
        } else {
            ok = false
        }

        var port: UInt16 = servicePort ?? 0
        if let value = options.port {
            port = value
            if value == 0, let servicePort, servicePort != 0 {
                error(field("port"), source["port"], "port must be from 1 to 65535 (leave it out to use the service's port)")
                ok = false
            }
        }

        var weight = Defaults.weight
        if let value = options.weight {
            if (0...Int64(Int32.max)).contains(value) {
                weight = Int32(value)
            } else {
                error(field("weight"), source["weight"] ?? inherited.backend?.source["weight"], "weight must be from 0 to 2147483647, found \(value)")
                ok = false
            }
        }

        var method = Defaults.forwarding
        if let text = options.method {
            if let value = ForwardingMethod.parse(text) {
                method = value
            } else {
                error(field("method"), source["method"], unknownWord("forwarding method", text, ForwardingMethod.spellings))
                ok = false
            }
        }

        var forwarding: Forwarding
        switch method {
        case .nat: forwarding = .nat
        case .dr: forwarding = .dr
        case .tunnel: forwarding = .tunnel(Tunnel())
        }
        if let tunnel = options.tunnel {
            if method != .tunnel {
                error(field("tunnel"), source["tunnel"], "tunnel settings need 'method: tunnel' (this backend uses \(method))")
                ok = false
            } else if let resolved = resolveTunnel(tunnel, path: field("tunnel")) {
                forwarding = .tunnel(resolved)
            } else {
                ok = false
            }
        }

        if let address, let serviceFamily, address.family != serviceFamily, method != .tunnel {
            error(field("host"), source["host"], "backend \(address) is \(address.family) but the service is \(serviceFamily); only a tunnel may cross address families")
            ok = false
        }

        var upper: UInt32 = 0
        var lower: UInt32 = 0
        if let thresholds = options.thresholds {
            let base = field("thresholds")
            for (name, value) in [("upper", thresholds.upper), ("lower", thresholds.lower)] {
                guard let value else { continue }
                if !(0...Int64(Int32.max)).contains(value) {
                    error(base + [.key(name)], thresholds.source[name], "\(name) threshold must be from 0 to 2147483647, found \(value)")
                    ok = false
                } else if name == "upper" {
                    upper = UInt32(value)
                } else {
                    lower = UInt32(value)
                }
            }
            if lower > upper {
                error(base, thresholds.source.object, "the lower threshold (\(lower)) must not be above the upper threshold (\(upper)); the kernel refuses it")
                ok = false
            }
        }

        var drain = Defaults.drain
        if let value = options.drain {
            if value.duration < .zero {
                error(field("drain"), source["drain"], "drain must not be negative")
                ok = false
            } else {
                drain = value.duration
            }
        }

        let pulse = resolvePulse(options.pulse, path: { field("pulse") })
        guard ok, let address, let pulse else { return nil }
        return Backend(
            id: entry.id,
            address: address,
            port: port,
            weight: weight,
            forwarding: forwarding,
            upperThreshold: upper,
            lowerThreshold: lower,
            drain: drain,
            pulse: pulse,
            fallback: fallback ?? false
        )
    }

    private mutating func resolveTunnel(_ options: TunnelOptions, path: [PathComponent]) -> Tunnel? {
        var tunnel = Tunnel()
        var ok = true
        if let text = options.type {
            if let type = TunnelType(rawValue: text.lowercased()) {
                tunnel.type = type
            } else {
                error(path + [.key("type")], options.source["type"], unknownWord("tunnel type", text, TunnelType.allCases.map(\.rawValue)))
                ok = false
            }
        }
        if let port = options.port {
            if tunnel.type != .gue {
                error(path + [.key("port")], options.source["port"], "a tunnel port is for gue tunnels; this one is \(tunnel.type)")
                ok = false
            } else if port == 0 {
                error(path + [.key("port")], options.source["port"], "the gue port must be from 1 to 65535")
                ok = false
            }
            tunnel.port = port
        } else if tunnel.type == .gue, !options.source.invalid.contains("port") {
            error(path, options.source.object, "a gue tunnel needs a 'port'")
            ok = false
        }
        if let text = options.checksum {
            if let checksum = TunnelChecksum(rawValue: text.lowercased()) {
                if tunnel.type == .ipip, checksum != .none {
                    error(path + [.key("checksum")], options.source["checksum"], "checksum options are for gue and gre tunnels")
                    ok = false
                }
                tunnel.checksum = checksum
            } else {
                error(path + [.key("checksum")], options.source["checksum"], unknownWord("tunnel checksum", text, TunnelChecksum.allCases.map(\.rawValue)))
                ok = false
            }
        }
        return ok ? tunnel : nil
    }

    // MARK: - pulse

    private mutating func resolvePulse(_ options: PulseOptions?, path: () -> [PathComponent]) -> Pulse? {
        guard let options else { return Pulse() }
        var ok = true
        let source = options.source
        guard let type = word(options.type, default: Defaults.pulseType, "pulse type", key: "type", source: source, path: path) else { return nil }
        var interval = Defaults.pulseInterval
        if let value = options.interval {
            if value.duration <= .zero {
                error(path() + [.key("interval")], source["interval"], "pulse interval must be positive, found \(value)")
                ok = false
            } else if value.duration > .seconds(86_400) {
                error(path() + [.key("interval")], source["interval"], "pulse interval must be at most 24h, found \(value)")
                ok = false
            } else {
                interval = value.duration
            }
        }
        var timeout = min(Defaults.pulseTimeout, interval)
        if let value = options.timeout {
            if value.duration <= .zero {
                error(path() + [.key("timeout")], source["timeout"], "pulse timeout must be positive, found \(value)")
                ok = false
            } else if value.duration > interval {
                error(path() + [.key("timeout")], source["timeout"], "pulse timeout (\(value)) must not be longer than its interval (\(DurationText.format(interval)))")
                ok = false
            } else {
                timeout = value.duration
            }
        }
        var ramp = Defaults.ramp
        if let value = options.ramp {
            if value.duration < .zero {
                error(path() + [.key("ramp")], source["ramp"], "ramp must not be negative (0s restores the full weight at once), found \(value)")
                ok = false
            } else if value.duration > .seconds(86_400) {
                error(path() + [.key("ramp")], source["ramp"], "ramp must be at most 24h, found \(value)")
                ok = false
            } else {
                ramp = value.duration
            }
        }
        // Checked one after the other (not by looping over an array, which every pulse would allocate).
        func checks(_ name: String, _ value: Int?, default fallback: Int) -> Int {
            guard let value else { return fallback }
            guard (1...100).contains(value) else {
                error(path() + [.key(name)], source[name], "\(name) must be from 1 to 100 consecutive checks, found \(value)")
                ok = false
                return fallback
            }
            return value
        }
        let initial = word(options.initial, default: InitialHealth.up, "initial health", key: "initial", source: source, path: path)
        if initial == nil { ok = false }
        let rise = checks("rise", options.rise, default: Defaults.rise)
        let fall = checks("fall", options.fall, default: Defaults.fall)
        let probe = resolveProbe(type, options.args ?? PulseArgs(), path: { path() + [.key("args")] }, pulseMark: source["type"])
        guard ok, let probe else { return nil }
        return Pulse(probe: probe, interval: interval, timeout: timeout, rise: rise, fall: fall, ramp: ramp, inhibit: options.inhibit ?? true, initial: initial ?? .up)
    }

    /// Whether a probe of type `type` takes the arg `key`.
    private static func takes(_ type: PulseType, _ key: PulseArgs.CodingKeys) -> Bool {
        switch (type, key) {
        case (.tcp, .host), (.tcp, .port): true
        case (.http, .host), (.http, .port), (.http, .method), (.http, .path), (.http, .expect), (.http, .virtualhost), (.http, .body): true
        case (.https, .host), (.https, .port), (.https, .method), (.https, .path), (.https, .expect), (.https, .virtualhost), (.https, .body),
            (.https, .sni), (.https, .insecure): true
        case (.udp, .host), (.udp, .port), (.udp, .payload), (.udp, .expect): true
        case (.dns, .host), (.dns, .port), (.dns, .name), (.dns, .query), (.dns, .expect): true
        case (.exec, .command), (.exec, .user): true
        default: false
        }
    }

    private mutating func resolveProbe(_ type: PulseType, _ args: PulseArgs, path: () -> [PathComponent], pulseMark: Mark?) -> Probe? {
        var ok = true
        for key in PulseArgs.CodingKeys.allCases where args.isSet(key) && !Self.takes(type, key) {
            let allowed = PulseArgs.CodingKeys.allCases.filter { Self.takes(type, $0) }
            let list = allowed.isEmpty ? "it takes no args" : "it takes: " + allowed.map(\.rawValue).sorted().joined(separator: ", ")
            error(path() + [.key(key.rawValue)], args.source[key.rawValue], "'\(key.rawValue)' does not apply to a \(type) check (\(list))")
            ok = false
        }
        var host: IPAddress?
        if let text = args.host {
            if let address = IPAddress(text) {
                host = address
            } else {
                error(path() + [.key("host")], args.source["host"], "'\(text)' is not an IPv4 or IPv6 address")
                ok = false
            }
        }
        if args.port == 0 {
            error(path() + [.key("port")], args.source["port"], "port must be from 1 to 65535")
            ok = false
        }
        let probe: Probe
        switch type {
        case .none:
            probe = .none
        case .tcp:
            probe = .tcp(TCPProbe(host: host, port: args.port))
        case .http, .https:
            var http = HTTPProbe(tls: type == .https, host: host, port: args.port)
            if let method = args.method {
                // Letters only: every byte an ASCII letter (any other byte is, or is part of, a
                // character that is not one).
                if !method.isEmpty, method.utf8.allSatisfy({ ($0 | 0x20) &- UInt8(ascii: "a") < 26 }) {
                    http.method = method.uppercased()
                } else {
                    error(path() + [.key("method")], args.source["method"], "'\(method)' is not an HTTP method (GET, HEAD, POST…)")
                    ok = false
                }
            }
            if let value = args.path {
                if value.hasPrefix("/"), !value.contains(where: { $0 == " " || $0 == "\n" || $0 == "\r" }) {
                    http.path = value
                } else {
                    error(path() + [.key("path")], args.source["path"], "an HTTP path starts with '/' and has no spaces, found '\(value)'")
                    ok = false
                }
            }
            if let expect = args.expect {
                if let codes = StatusExpectation.parse(expect.text) {
                    http.expect = codes
                } else {
                    error(path() + [.key("expect")], args.source["expect"], "expected HTTP status codes from 100 to 599: a code (200), a range (\"200-399\") or a list ([200, 204]), found '\(expect.text)'")
                    ok = false
                }
            }
            http.virtualhost = args.virtualhost
            http.body = args.body
            http.sni = args.sni
            http.insecure = args.insecure ?? false
            probe = .http(http)
        case .udp:
            probe = .udp(UDPProbe(host: host, port: args.port, payload: args.payload ?? "", expect: args.expect?.text))
        case .dns:
            let query = (args.query ?? "A").uppercased()
            if !Self.dnsTypes.contains(query) {
                error(path() + [.key("query")], args.source["query"], unknownWord("DNS record type", query, Self.dnsTypes.sorted()))
                ok = false
            }
            let expect = (args.expect?.text ?? "NOERROR").uppercased()
            if !Self.dnsCodes.contains(expect) {
                error(path() + [.key("expect")], args.source["expect"], unknownWord("DNS response code", expect, Self.dnsCodes.sorted()))
                ok = false
            }
            guard let name = args.name, !name.isEmpty else {
                error(path(), args.source.object ?? pulseMark, "a dns check needs 'name' (the name to ask for)")
                return nil
            }
            probe = .dns(DNSProbe(host: host, port: args.port, name: name, query: query, expect: expect))
        case .exec:
            guard let command = args.command?.arguments, let program = command.first, !program.isEmpty else {
                error(path(), args.source.object ?? pulseMark, "an exec check needs 'command' (a program and its arguments)")
                return nil
            }
            if let user = args.user, !Self.isUserName(user) {
                error(path() + [.key("user")], args.source["user"], "'\(user)' is not a user name (letters, digits, '_', '-', '.', starting with a letter or '_')")
                return nil
            }
            probe = .exec(ExecProbe(command: command, user: args.user))
        }
        return ok ? probe : nil
    }

    /// A POSIX-portable user name, as `useradd` accepts them (a number is not a name: the
    /// lookup is by name).
    private static func isUserName(_ text: String) -> Bool {
        guard let first = text.utf8.first, first == UInt8(ascii: "_") || (first | 0x20 >= UInt8(ascii: "a") && first | 0x20 <= UInt8(ascii: "z")), text.utf8.count <= 32 else { return false }
        return text.utf8.allSatisfy { byte in
            (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
    }

    private static let dnsTypes: Set<String> = ["A", "AAAA", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TXT"]
    private static let dnsCodes: Set<String> = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"]

    /// One of the file's fixed words (any case), `fallback` when not written, or `nil` after
    /// reporting an unknown one with a "did you mean".
    private mutating func word<Word: RawRepresentable & CaseIterable>(
        _ text: String?, default fallback: Word, _ what: String, key: String, source: SourceMarks, path: () -> [PathComponent]
    ) -> Word? where Word.RawValue == String {
        guard let text else { return fallback }
        // The spelling is usually the name itself: lower-casing (a new string) only when not.
        if let value = Word(rawValue: text) ?? Word(rawValue: text.lowercased()) { return value }
        error(path() + [.key(key)], source[key], unknownWord(what, text, Word.allCases.map(\.rawValue)))
        return nil
    }

    private func unknownWord(_ what: String, _ word: String, _ choices: [String]) -> String {
        var message = "unknown \(what) '\(word)'"
        if let suggestion = Suggestion.closest(to: word, among: choices) {
            message += " (did you mean '\(suggestion)'?)"
        } else {
            message += " (expected one of: \(choices.joined(separator: ", ")))"
        }
        return message
    }
}

/// A backend's address and port: two backends of a service must not share one.
private struct BackendEndpoint: Hashable, CustomStringConvertible {
    var address: IPAddress
    var port: UInt16

    var description: String { address.family == .ipv6 ? "[\(address)]:\(port)" : "\(address):\(port)" }
}
