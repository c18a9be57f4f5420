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
    let known: KnownServices
    /// The last pulse resolved without a problem, with its options (see ``resolvePulse``).
    var lastPulse: (options: PulseOptions, pulse: Pulse)?

    /// The file's services (kept with the file) and the few a recent resolution changed: two
    /// tables looked up in turn, so that the file's large one is never copied to add a few.
    struct KnownServices: Sendable {
        var file = Known()
        var recent = Known()

        var isEmpty: Bool { file.positions.isEmpty && recent.positions.isEmpty }

        /// The known form of `id` if it was written exactly as `written`.
        func resolved(_ id: String, writtenAs written: ServiceOptions) -> Service? {
            recent.resolved(id, writtenAs: written) ?? file.resolved(id, writtenAs: written)
        }
    }

    /// Services as written and as resolved, found by id. Positions into the two arrays rather
    /// than copies: a `ServiceOptions` or a `Service` copied out is dozens of retains, and this
    /// is asked for every service of the file on every REST change.
    struct Known: Sendable {
        var positions: [String: (written: Int, resolved: Int)] = [:]
        var written: [OrderedEntries<ServiceOptions>.Entry] = []
        var services: [Service] = []

        init() {}

        /// The services of `written` that `config` holds (those in `only`, when given).
        init(_ written: ConfigFile, _ config: Config, only: Set<String>?) {
            self.written = written.services?.entries ?? []
            services = config.services
            var resolved: [String: Int] = [:]
            resolved.reserveCapacity(only?.count ?? services.count)
            for position in services.indices where only?.contains(services[position].id) ?? true {
                resolved[services[position].id] = position
            }
            positions.reserveCapacity(resolved.count)
            for position in self.written.indices {
                if let service = resolved[self.written[position].id] { positions[self.written[position].id] = (position, service) }
            }
        }

        func resolved(_ id: String, writtenAs value: ServiceOptions) -> Service? {
            guard let (entry, service) = positions[id], written[entry].value == value else { return nil }
            return services[service]
        }
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

    init(interfaceOverride: String?, known: KnownServices = KnownServices()) {
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
        services.reserveCapacity(file.services?.count ?? 0)
        // The position of the first service with each endpoint.
        var identities: [ServiceEndpoint: Int] = [:]
        identities.reserveCapacity(file.services?.count ?? 0)
        let entries = file.services?.entries ?? []
        // By position: `for … in` would copy every (large) entry out of the array.
        for position in entries.indices {
            let service: Service
            if !known.isEmpty, let resolved = known.resolved(entries[position].id, writtenAs: entries[position].value) {
                service = resolved
            } else {
                let entry = entries[position]
                let path: [PathComponent] = [.key("services"), .key(entry.id)]
                checkID(entry.id, path: { path }, mark: entry.mark, what: "service")
                guard let resolved = resolveService(entry, inherited: inherited, settings: settings, path: path) else { continue }
                service = resolved
            }
            // Two services clash in the kernel when their endpoints are equal.
            if let other = identities[service.endpoint] {
                let (entry, first) = (entries[position], entries[other])
                let at = first.mark.map { " at \($0)" } ?? ""
                error([.key("services"), .key(entry.id)], entry.mark, "service '\(entry.id)' has the same kernel identity (\(service.endpoint)) as service '\(first.id)'\(at)")
            } else {
                identities[service.endpoint] = position
            }
            services.append(service)
        }
        checkConsulDefaults(defaults)
        checkConsulNames(services, entries: entries)
        return Config(settings: settings, services: services, defaults: defaults)
    }

    mutating func checkID(_ id: String, path: () -> [PathComponent], mark: Mark?, what: String) {
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

    /// One of the file's fixed words (any case), `fallback` when not written, or `nil` after
    /// reporting an unknown one with a "did you mean".
    mutating func word<Word: RawRepresentable & CaseIterable>(
        _ text: String?, default fallback: Word, _ what: String, key: String, source: SourceMarks, path: () -> [PathComponent]
    ) -> Word? where Word.RawValue == String {
        guard let text else { return fallback }
        // The spelling is usually the name itself: lower-casing (a new string) only when not.
        if let value = Word(rawValue: text) ?? Word(rawValue: text.lowercased()) { return value }
        error(path() + [.key(key)], source[key], unknownWord(what, text, Word.allCases.map(\.rawValue)))
        return nil
    }

    func unknownWord(_ what: String, _ word: String, _ choices: [String]) -> String {
        var message = "unknown \(what) '\(word)'"
        if let suggestion = Suggestion.closest(to: word, among: choices) {
            message += " (did you mean '\(suggestion)'?)"
        } else {
            message += " (expected one of: \(choices.joined(separator: ", ")))"
        }
        return message
    }
}
