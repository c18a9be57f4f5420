/// The console's optional sections: what other consumers (the VIP/BGP announcer, maintenance,
/// Consul registration) publish about themselves, shown when present. Each is read when the
/// console's feed rebuilds (after a pass, and every stats interval) and sent to the page under
/// `sections.NAME` whenever its JSON changes; `nil` (the default) leaves the section out.
///
/// Named hooks, filled in by the daemon's wiring (Run.swift) from each consumer's own
/// `Publishing.LatestValue`: the page renders each named section (see `Console/console.js`,
/// `sectionRenderers`), and any value a hook returns is shown at least as a table of its fields.
public struct ConsoleSections: Sendable {
    public typealias Read = @Sendable () -> (any Encodable & Sendable)?

    /// BGP: the announcement per VIP (the page also marks each service's VIP with it when the value
    /// has a `vips` object keyed by address, e.g. `{"vips": {"192.0.2.10": {"announced": true}}}`).
    public var bgp: Read?
    /// Maintenance mode (the page offers the maintenance action when the value has `enabled`).
    public var maintenance: Read?
    /// Consul registration and TTL checks.
    public var consul: Read?

    public init(bgp: Read? = nil, maintenance: Read? = nil, consul: Read? = nil) {
        self.bgp = bgp
        self.maintenance = maintenance
        self.consul = consul
    }

    var isEmpty: Bool { bgp == nil && maintenance == nil && consul == nil }

    /// The sections present now, by name.
    func read() -> [String: ConsoleSectionValue] {
        var values: [String: ConsoleSectionValue] = [:]
        for (name, hook) in [("bgp", bgp), ("maintenance", maintenance), ("consul", consul)] {
            if let value = hook?() { values[name] = ConsoleSectionValue(value: value) }
        }
        return values
    }
}
