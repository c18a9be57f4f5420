import YAMLBridge

/// `settings` and `defaults`: the kernel timeouts, the resync period, the prune mode, and the
/// defaults that services and backends inherit.
extension Resolver {
    mutating func resolveSettings(_ options: SettingsOptions?) -> Settings {
        var settings = Settings()
        guard let options else {
            settings.interface = interfaceOverride
            return settings
        }
        let path: [PathComponent] = [.key("settings")]
        settings.interface = interfaceOverride ?? options.interface
        if let interface = options.interface, let problem = InterfaceName.problem(interface, label: true) {
            error(path + [.key("interface")], options.source["interface"], problem)
        }
        settings.vips = resolveVIPs(options.vips)
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
        settings.consul = resolveConsulSettings(options.consul)
        if let timeouts = options.timeouts {
            let base = path + [.key("timeouts")]
            settings.timeouts.tcp = kernelTimeout(timeouts.tcp, base + [.key("tcp")], timeouts.source["tcp"])
            settings.timeouts.tcpfin = kernelTimeout(timeouts.tcpfin, base + [.key("tcpfin")], timeouts.source["tcpfin"])
            settings.timeouts.udp = kernelTimeout(timeouts.udp, base + [.key("udp")], timeouts.source["udp"])
        }
        settings.store = resolveStore(options.store, path: path)
        settings.bgp = options.bgp.map { resolveBGP($0) }
        return settings
    }

    private mutating func kernelTimeout(_ value: DurationValue?, _ path: [PathComponent], _ mark: Mark?) -> UInt32? {
        guard let value else { return nil }
        return wholeSeconds(value.duration, in: 1...2_592_000, path: path, mark: mark, what: "a kernel timeout")
    }

    mutating func wholeSeconds(_ duration: Duration, in range: ClosedRange<Int64>, path: [PathComponent], mark: Mark?, what: String) -> UInt32? {
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

    mutating func checkDefaults(_ defaults: DefaultsOptions) {
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
}
