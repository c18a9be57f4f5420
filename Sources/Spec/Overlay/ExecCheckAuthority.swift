/// Who may write an `exec` health check: the file, never the REST API.
///
/// An exec check runs a program on the balancer. The file is root-owned and reviewed in git; the
/// API is reachable by whoever holds the token (or by every local user when there is none), so if
/// a body could name a command, the API would be a root shell. The rule is judged on the
/// *resolved* result, not on the body's spelling, so no path can smuggle one in (a service pulse
/// its backends inherit, a backend pulse, a patched type or args, a chain of overrides): every
/// exec check in force must be exactly the check the file gives that backend.
///
/// "What the file gives" is the same desired state with every `pulse` the overrides carry taken
/// out. So a backend added through the API with no pulse of its own still inherits its service's
/// (or `defaults`') exec check, as one written in the file would: the file's author allowed that
/// command for that service. Taking an exec check *away* (patching its type to `tcp`) runs
/// nothing, and is allowed.
extension ValidatedFile {
    /// The exec checks in `config` (this file with `overlay`, resolved) that the file alone does
    /// not give, one message per backend, each naming its path; empty when there are none.
    public func execChecksNotFromFile(_ overlay: Overlay, resolved config: Config, reusing previous: Resolution? = nil) -> [String] {
        // Only a pulse in some override can make an exec check the file did not write.
        guard overlay.overrides.contains(where: \.carriesPulse) else { return [] }
        let neutral = try? resolve(Overlay(overlay.overrides.map(\.withoutPulses)), reusing: previous).config
        var fileChecks: [String: [String: Pulse]] = [:]
        for service in neutral?.services ?? [] {
            var pulses: [String: Pulse] = [:]
            for backend in service.backends where backend.pulse.type == .exec { pulses[backend.id] = backend.pulse }
            if !pulses.isEmpty { fileChecks[service.id] = pulses }
        }
        var refused: [String] = []
        for service in config.services {
            for backend in service.backends where backend.pulse.type == .exec {
                if fileChecks[service.id]?[backend.id] != backend.pulse {
                    refused.append("services.\(service.id).backends.\(backend.id).pulse: \(Self.execRefusal)")
                }
            }
        }
        return refused
    }

    /// Why, and where exec checks belong instead.
    public static let execRefusal = "the REST API may not create or change an exec health check (it would run a program on this host as the daemon); exec checks belong in the config file, which root owns. A backend added through the API with no pulse of its own inherits its service's exec check from the file"

    /// `overlay` without the overrides that would put an exec check in force that the file does
    /// not give (an `overrides.json` from before this rule, or edited by hand), and why each was
    /// left out. Checked in order, so an override is judged with the ones before it.
    func withoutExecAuthored(_ overlay: Overlay) -> (overlay: Overlay, problems: [OverlayProblem]) {
        guard overlay.overrides.contains(where: \.carriesPulse) else { return (overlay, []) }
        var kept: [Override] = []
        var problems: [OverlayProblem] = []
        for override in overlay.overrides {
            guard override.carriesPulse else {
                kept.append(override)
                continue
            }
            let trial = Overlay(kept + [override])
            // One that does not resolve is judged (and reported) by the file's rules later.
            if let config = try? resolve(trial).config, let first = execChecksNotFromFile(trial, resolved: config).first {
                problems.append(OverlayProblem(override: override, message: first))
            } else {
                kept.append(override)
            }
        }
        return (Overlay(kept), problems)
    }
}

extension Override {
    /// Where the body itself writes an exec check (its `type` or its `command`), as JSON paths:
    /// refused before anything is resolved, whatever the result would be.
    public var execCheckPaths: [String] {
        var paths: [String] = []
        let base = "services.\(service)"
        func look(_ pulse: PulseOptions?, _ path: String) {
            guard let pulse else { return }
            if pulse.type?.lowercased() == PulseType.exec.rawValue || pulse.args?.command != nil || pulse.args?.user != nil { paths.append(path + ".pulse") }
        }
        if let backend {
            look(backendOptions?.pulse, base + ".backends.\(backend)")
        } else if let options = serviceOptions {
            look(options.pulse, base)
            for entry in options.backends?.entries ?? [] { look(entry.value.pulse, base + ".backends.\(entry.id)") }
        }
        return paths
    }

    /// Whether the body names a health check at any level (the service's, a backend's, a backend
    /// inside a service body).
    var carriesPulse: Bool {
        if backendOptions?.pulse != nil { return true }
        guard let service = serviceOptions else { return false }
        return service.pulse != nil || (service.backends?.entries.contains { $0.value.pulse != nil } ?? false)
    }

    /// The same change with every pulse taken out: what it would be if it could not touch checks.
    var withoutPulses: Override {
        guard carriesPulse else { return self }
        var stripped = self
        stripped.backendOptions?.pulse = nil
        if var service = stripped.serviceOptions {
            service.pulse = nil
            if var backends = service.backends {
                for index in backends.entries.indices { backends.entries[index].value.pulse = nil }
                service.backends = backends
            }
            stripped.serviceOptions = service
        }
        return stripped
    }
}
