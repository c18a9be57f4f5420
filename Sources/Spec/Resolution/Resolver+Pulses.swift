import YAMLBridge

/// A pulse: the health check of a backend, merged along its chain (backend → service →
/// `defaults` → built-in), with the rise/fall, ramp and timing rules.
extension Resolver {
    /// The pulse of `options`. Backends that inherit one pulse (nearly all, through `defaults`
    /// or their service) get the same value, sharing its storage: the last options and their
    /// pulse are remembered, so 100,000 backends do not each keep a copy.
    mutating func resolvePulse(_ options: PulseOptions?, path: () -> [PathComponent]) -> Pulse? {
        guard let options else { return Self.builtInPulse }
        if let last = lastPulse, last.options == options { return last.pulse }
        let before = diagnostics.count
        let pulse = resolveNewPulse(options, path: path)
        if let pulse, diagnostics.count == before { lastPulse = (options, pulse) }
        return pulse
    }

    static let builtInPulse = Pulse()

    private mutating func resolveNewPulse(_ options: PulseOptions, path: () -> [PathComponent]) -> Pulse? {
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
    static func takes(_ type: PulseType, _ key: PulseArgs.CodingKeys) -> Bool {
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
}
