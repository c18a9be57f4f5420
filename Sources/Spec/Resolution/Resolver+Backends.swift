import Addresses
import YAMLBridge

/// A backend: its address, port, forwarding method, weight and tunnel, with what it inherits from
/// its service and from `defaults`.
extension Resolver {
    mutating func resolveBackend(
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
}
