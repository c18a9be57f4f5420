public import YAMLBridge

/// One temporary change made through the REST API: create or replace (`put`), change some fields
/// (`patch`) or remove (`delete`) a service or a backend, on top of the file, never in it.
///
/// An override may expire (`ttl`), after which the file's value returns: "drain web-3 for 30
/// minutes" is a `patch` of `weight: 0` with a 30-minute TTL.
public struct Override: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable, Encodable, CaseIterable {
        case put, patch, delete
    }

    /// The service id.
    public var service: String
    /// The backend id, for a change to one backend.
    public var backend: String?
    public var action: Action
    /// The body of a service `put`/`patch`.
    public var serviceOptions: ServiceOptions?
    /// The body of a backend `put`/`patch`.
    public var backendOptions: BackendOptions?
    /// When it was made, in seconds since 1970 (UTC).
    public var created: Double
    /// When it stops applying, in seconds since 1970; `nil`: until removed.
    public var expires: Double?

    public init(
        service: String,
        backend: String? = nil,
        action: Action,
        serviceOptions: ServiceOptions? = nil,
        backendOptions: BackendOptions? = nil,
        created: Double,
        expires: Double? = nil
    ) {
        self.service = service
        self.backend = backend
        self.action = action
        self.serviceOptions = serviceOptions
        self.backendOptions = backendOptions
        self.created = created
        self.expires = expires
    }

    /// `web` or `web/web-1`.
    public var subject: String { backend.map { "\(service)/\($0)" } ?? service }

    /// `patch web/web-1 (weight)`, for logs and problems.
    public var summary: String {
        var fields: [String] = []
        if action == .patch {
            fields = serviceOptions?.presentFields ?? backendOptions?.presentFields ?? []
        }
        return "\(action.rawValue) \(subject)" + (fields.isEmpty ? "" : " (\(fields.joined(separator: ", ")))")
    }

    /// Whether this override is on `service` (and `backend`, when given) or inside it.
    public func concerns(service: String, backend: String?) -> Bool {
        guard self.service == service else { return false }
        guard let backend else { return true }
        return self.backend == backend
    }

    /// True when `self` makes `earlier` pointless: it is on the same object, changes everything
    /// `earlier` changed, and lasts at least as long (an earlier change that outlives it must stay,
    /// to come back when it expires).
    func supersedes(_ earlier: Override) -> Bool {
        guard earlier.service == service else { return false }
        guard expires == nil || (earlier.expires.map { $0 <= expires! } ?? false) else { return false }
        switch action {
        case .put, .delete:
            // A service put/delete replaces the whole service, its backends' overrides included.
            return backend == nil || earlier.backend == backend
        case .patch:
            guard earlier.action == .patch, earlier.backend == backend else { return false }
            if let mine = serviceOptions, let theirs = earlier.serviceOptions {
                return theirs.patched(by: mine) == mine
            }
            if let mine = backendOptions, let theirs = earlier.backendOptions {
                return theirs.patched(by: mine) == mine
            }
            return false
        }
    }
}

extension Override: NodeReadable {
    /// The fields an override is saved with; `options` is a service's or a backend's, by whether
    /// `backend` is set.
    enum CodingKeys: String, CodingKey {
        case service, backend, action, options, created, expires
    }

    /// Reads an override as ``OverlayFile`` saved it. Keys it does not know are ignored (a newer
    /// release may add some); the first field that cannot be read stops the reading.
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        // Keys that are not plain strings are reported, and reading goes on.
        _ = try MappingReader.entries(of: node, in: &context)
        service = try node.required("service", in: &context)
        backend = try node.optional("backend", in: &context)
        action = try node.required("action", in: &context)
        if backend == nil {
            serviceOptions = try node.optional("options", in: &context)
        } else {
            backendOptions = try node.optional("options", in: &context)
        }
        created = try node.required("created", in: &context)
        expires = try node.optional("expires", in: &context)
        if action != .delete && serviceOptions == nil && backendOptions == nil {
            throw ReadFailure(mark: node.mark, message: "a \(action.rawValue) override needs its options").at(context.path)
        }
    }
}

extension Override.Action: NodeReadable {
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        let text = try String(reading: node, in: &context)
        guard let action = Self(rawValue: text) else {
            // Worded as the standard library words a raw value it cannot take, as it always was.
            throw ReadFailure(mark: node.mark, message: "Cannot initialize Action from invalid String value \(text)")
        }
        self = action
    }
}

extension Override: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(service, forKey: .service)
        try container.encodeIfPresent(backend, forKey: .backend)
        try container.encode(action, forKey: .action)
        try container.encodeIfPresent(serviceOptions, forKey: .options)
        try container.encodeIfPresent(backendOptions, forKey: .options)
        try container.encode(created, forKey: .created)
        try container.encodeIfPresent(expires, forKey: .expires)
    }
}
