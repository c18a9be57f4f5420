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

    /// A service as written and as resolved.
    struct KnownService: Sendable {
        var written: ServiceOptions
        var resolved: Service
    }

    /// The file's services (kept with the file) and the few a recent resolution changed: two
    /// tables looked up in turn, so that the file's large one is never copied to add a few.
    struct KnownServices {
        var file: [String: KnownService] = [:]
        var recent: [String: KnownService] = [:]

        var isEmpty: Bool { file.isEmpty && recent.isEmpty }

        /// The known form of `id` if it was written exactly as `written`.
        func resolved(_ id: String, writtenAs written: ServiceOptions) -> Service? {
            if let known = recent[id], known.written == written { return known.resolved }
            if let known = file[id], known.written == written { return known.resolved }
            return nil
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
        var identities: [ServiceEndpoint: (id: String, mark: Mark?)] = [:]
        for entry in file.services?.entries ?? [] {
            let path: [PathComponent] = [.key("services"), .key(entry.id)]
            let service: Service
            if !known.isEmpty, let resolved = known.resolved(entry.id, writtenAs: entry.value) {
                service = resolved
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
        checkConsulDefaults(defaults)
        checkConsulNames(services, entries: file.services?.entries ?? [])
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
