/// One temporary change made through the REST API: create or replace (`put`), change some fields
/// (`patch`) or remove (`delete`) a service or a backend, on top of the file, never in it.
///
/// An override may expire (`ttl`), after which the file's value returns: "drain web-3 for 30
/// minutes" is a `patch` of `weight: 0` with a 30-minute TTL.
public struct Override: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
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

extension Override: Codable {
    enum CodingKeys: String, CodingKey {
        case service, backend, action, options, created, expires
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        service = try container.decode(String.self, forKey: .service)
        backend = try container.decodeIfPresent(String.self, forKey: .backend)
        action = try container.decode(Action.self, forKey: .action)
        if backend == nil {
            serviceOptions = try container.decodeIfPresent(ServiceOptions.self, forKey: .options)
        } else {
            backendOptions = try container.decodeIfPresent(BackendOptions.self, forKey: .options)
        }
        created = try container.decode(Double.self, forKey: .created)
        expires = try container.decodeIfPresent(Double.self, forKey: .expires)
        if action != .delete && serviceOptions == nil && backendOptions == nil {
            throw DecodingError.keyNotFound(CodingKeys.options, .init(codingPath: decoder.codingPath, debugDescription: "a \(action.rawValue) override needs its options"))
        }
    }

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
