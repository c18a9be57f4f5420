public import YAMLBridge

extension Config {
    /// Parses, decodes and validates a whole file. JSON is accepted too (it is YAML).
    ///
    /// - Parameters:
    ///   - file: the name to print in diagnostics (`gorb.yaml:12:5: error: …`).
    ///   - interface: overrides `settings.interface` (the `-i` flag).
    /// - Throws: ``Diagnostics`` with every problem found, sorted by position; nothing is returned
    ///   for a file with any error, so an invalid file can never be applied, not even in part.
    public static func parse(bytes: [UInt8], file: String, interface: String? = nil) throws(Diagnostics) -> Config {
        try ValidatedFile.validate(bytes: bytes, file: file, interface: interface).config
    }

    /// Reads and parses the file at `path`; see ``parse(bytes:file:interface:)``.
    public static func load(path: String, interface: String? = nil) throws(Diagnostics) -> Config {
        try ValidatedFile.validate(path: path, interface: interface).config
    }
}

extension ValidatedFile {
    /// Parses, decodes and validates a whole file; see ``Config/parse(bytes:file:interface:)``.
    public static func parse(bytes: [UInt8], file: String, interface: String? = nil) throws(ConfigErrors) -> ValidatedFile {
        do {
            return try validate(bytes: bytes, file: file, interface: interface)
        } catch {
            throw ConfigErrors(error)
        }
    }

    /// Reads, parses and validates the file at `path`.
    public static func load(path: String, interface: String? = nil) throws(ConfigErrors) -> ValidatedFile {
        do {
            return try validate(path: path, interface: interface)
        } catch {
            throw ConfigErrors(error)
        }
    }

    /// ``parse(bytes:file:interface:)`` with every problem as it was found, position and key path
    /// apart.
    static func validate(bytes: [UInt8], file: String, interface: String? = nil) throws(Diagnostics) -> ValidatedFile {
        let root: Node?
        do {
            root = try YAMLParser.parse(bytes)
        } catch {
            throw Diagnostics([error.inFile(file)])
        }
        guard let root else {
            throw Diagnostics([Diagnostic(file: file, mark: Mark(line: 1, column: 1), message: "the file is empty: write 'services: {}' to mean an empty table")])
        }
        let (written, decodingErrors) = ConfigFile.read(from: root)
        var items = decodingErrors
        var config: Config?
        if let written {
            // Resolve what did decode, so rule violations are reported alongside type errors.
            var resolver = Resolver(interfaceOverride: interface)
            config = resolver.resolve(written)
            items += resolver.diagnostics
        }
        guard items.isEmpty, let config, let written else {
            throw Diagnostics(deduplicated(items).map { $0.inFile(file) })
        }
        return ValidatedFile(path: file, written: written, config: config, interface: interface)
    }

    /// ``load(path:interface:)`` with every problem as it was found.
    static func validate(path: String, interface: String? = nil) throws(Diagnostics) -> ValidatedFile {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path)
        } catch {
            throw Diagnostics([Diagnostic(file: path, mark: nil, message: error.description)])
        }
        return try validate(bytes: bytes, file: path, interface: interface)
    }

    private static func deduplicated(_ items: [Diagnostic]) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return items.filter { seen.insert($0).inserted }
    }
}

extension ConfigFile {
    /// Applies defaults and checks every rule.
    ///
    /// - Throws: ``Diagnostics`` with every problem.
    public func resolve(file: String? = nil, interface: String? = nil) throws(Diagnostics) -> Config {
        var resolver = Resolver(interfaceOverride: interface)
        let config = resolver.resolve(self)
        if !resolver.diagnostics.isEmpty {
            throw Diagnostics(resolver.diagnostics.map { $0.inFile(file) })
        }
        return config
    }
}
