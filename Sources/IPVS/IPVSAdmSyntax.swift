import Addresses

// The `ipvsadm` command-line and save-format (`ipvsadm -Sn`) spelling of the IPVS model.
//
// Operators know IPVS through ipvsadm, so plans, errors and logs speak its language, and the
// conformance tests compare our read-back, rendered here, with what `ipvsadm -Sn` prints.

extension IPVSService.Key {
    /// `-t 192.0.2.1:80`, `-u [2001:db8::1]:53`, `--sctp-service 192.0.2.1:9`, `-f 17`
    /// (`-f 17 -6` for IPv6).
    public var ipvsadmArguments: [String] {
        switch self {
        case .socket(let proto, let address, let port):
            let flag: String
            switch proto {
            case .tcp: flag = "-t"
            case .udp: flag = "-u"
            case .sctp: flag = "--sctp-service"
            default: flag = "--protocol-\(proto.rawValue)"
            }
            let host = address.family == .ipv6 ? "[\(address)]" : "\(address)"
            return [flag, "\(host):\(port)"]
        case .firewallMark(let mark, let family):
            return family == .ipv6 ? ["-f", "\(mark)", "-6"] : ["-f", "\(mark)"]
        }
    }
}

extension IPVSService {
    /// The service's `ipvsadm -A` arguments after `-A`, in `ipvsadm -Sn` order.
    public var ipvsadmArguments: [String] {
        var arguments = key.ipvsadmArguments + ["-s", scheduler]
        if flags.contains(.persistent) {
            arguments += ["-p", "\(timeout)"]
            switch key.family {
            case .ipv4 where persistencePrefixLength != 32:
                arguments += ["-M", "\(IPAddress(ipv4: IPVSCodec.ipv4Mask(prefixLength: persistencePrefixLength)))"]
            case .ipv6 where persistencePrefixLength != 128:
                arguments += ["-M", "\(persistencePrefixLength)"]
            default:
                break
            }
            if let engine = persistenceEngine, !engine.isEmpty { arguments += ["--pe", engine] }
        }
        if flags.contains(.onePacket) { arguments.append("-o") }
        let schedulerFlags = ipvsadmSchedulerFlags
        if !schedulerFlags.isEmpty { arguments += ["-b", schedulerFlags.joined(separator: ",")] }
        return arguments
    }

    /// The names ipvsadm gives the scheduler flags: `sh-fallback`/`sh-port` for sh,
    /// `mh-fallback`/`mh-port` for mh, `flag-1..3` otherwise.
    var ipvsadmSchedulerFlags: [String] {
        var names: [String] = []
        let prefix = scheduler == "sh" || scheduler == "mh" ? scheduler : nil
        if flags.contains(.scheduler1) { names.append(prefix.map { "\($0)-fallback" } ?? "flag-1") }
        if flags.contains(.scheduler2) { names.append(prefix.map { "\($0)-port" } ?? "flag-2") }
        if flags.contains(.scheduler3) { names.append("flag-3") }
        return names
    }

    /// The `ipvsadm -Sn` line of this service: `-A -t 192.0.2.1:80 -s wrr`.
    public var ipvsadmSaveLine: String { (["-A"] + ipvsadmArguments).joined(separator: " ") }
}

extension IPVSDestination {
    /// `-m -w 1`, `-g -w 5`, `-i -w 1 --tun-type gue --tun-port 6080 --tun-csum`: what
    /// `ipvsadm -Sn` prints after the address (ipvsadm 1.31 does not print thresholds there).
    public var ipvsadmDestinationOptions: [String] {
        var options: [String]
        switch forwarding {
        case .masquerade: options = ["-m"]
        case .tunnel: options = ["-i"]
        default: options = ["-g"]
        }
        options += ["-w", "\(weight)"]
        if forwarding == .tunnel {
            options += ["--tun-type", "\(tunnelType)"]
            if tunnelType == .gue { options += ["--tun-port", "\(tunnelPort)"] }
            if tunnelType == .gue || tunnelType == .gre {
                if tunnelFlags.contains(.remoteChecksum) {
                    options.append("--tun-remcsum")
                } else if tunnelFlags.contains(.checksum) {
                    options.append("--tun-csum")
                } else {
                    options.append("--tun-nocsum")
                }
            }
        }
        return options
    }

    /// The `ipvsadm -e/-a` options, including thresholds (which the save format leaves out).
    var ipvsadmCommandOptions: [String] {
        var options = ipvsadmDestinationOptions
        if upperThreshold != 0 { options += ["-x", "\(upperThreshold)"] }
        if lowerThreshold != 0 { options += ["-y", "\(lowerThreshold)"] }
        return options
    }

    /// The `ipvsadm -Sn` line of this destination within `service`.
    public func ipvsadmSaveLine(service: IPVSService.Key) -> String {
        (["-a"] + service.ipvsadmArguments + ["-r", "\(key)"] + ipvsadmDestinationOptions).joined(separator: " ")
    }
}

extension IPVSChange {
    /// The `ipvsadm` command that makes the same change.
    public var ipvsadmCommand: String {
        switch self {
        case .addService(let service): return "-A " + service.ipvsadmArguments.joined(separator: " ")
        case .updateService(let service): return "-E " + service.ipvsadmArguments.joined(separator: " ")
        case .removeService(let key): return "-D " + key.ipvsadmArguments.joined(separator: " ")
        case .addDestination(let destination, let service):
            return (["-a"] + service.ipvsadmArguments + ["-r", "\(destination.key)"] + destination.ipvsadmCommandOptions)
                .joined(separator: " ")
        case .updateDestination(let destination, let service):
            return (["-e"] + service.ipvsadmArguments + ["-r", "\(destination.key)"] + destination.ipvsadmCommandOptions)
                .joined(separator: " ")
        case .removeDestination(let destination, let service):
            return (["-d"] + service.ipvsadmArguments + ["-r", "\(destination)"]).joined(separator: " ")
        case .flush: return "-C"
        case .zero(let key?): return "-Z " + key.ipvsadmArguments.joined(separator: " ")
        case .zero(nil): return "-Z"
        case .setTimeouts(let timeouts): return "--set \(timeouts.tcp) \(timeouts.tcpFin) \(timeouts.udp)"
        }
    }
}

/// Renders a whole table the way `ipvsadm -Sn` does: each service line followed by its
/// destinations' lines.
public enum IPVSAdmSaveFormat {
    /// The `ipvsadm -Sn` lines of `table`, in the order given.
    public static func lines(_ table: [(service: IPVSService, destinations: [IPVSDestination])]) -> [String] {
        var lines: [String] = []
        for entry in table {
            lines.append(entry.service.ipvsadmSaveLine)
            for destination in entry.destinations {
                lines.append(destination.ipvsadmSaveLine(service: entry.service.key))
            }
        }
        return lines
    }
}
