public import YAMLBridge

/// `settings.consul:`, where and how the daemon registers its services in Consul (GORB's `-c`,
/// which wins over `address`).
///
/// The token is named by a file, never written here or accepted through the REST API: the config
/// is kept in git, and the daemon (root) reads the file itself.
public struct ConsulSettingsOptions: Sendable, Hashable, Encodable, NodeReadable {
    /// The agent's HTTP API, `http://127.0.0.1:8500` when omitted.
    public var address: String?
    /// A file holding the ACL token sent as `X-Consul-Token`.
    public var tokenFile: String?
    /// The datacenter the agent must belong to; a different one is reported and nothing registered.
    public var datacenter: String?
    /// Tags of every service that gives none of its own.
    public var tags: [String]?
    /// The TTL of each service's check (default 30s); refreshed well within it.
    public var ttl: DurationValue?
    /// How long a check may stay critical before Consul removes the service (default 10m): what
    /// takes a dead daemon's registrations away.
    public var deregisterAfter: DurationValue?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case address
        case tokenFile = "token-file"
        case datacenter, tags, ttl
        case deregisterAfter = "deregister-after"
    }
    static let fieldNames = FieldNames(CodingKeys.self)

    public init() {}

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        var reader = try FieldReader<CodingKeys>(node, fields: Self.fieldNames, in: &context)
        address = reader.read(.address, in: &context)
        tokenFile = reader.read(.tokenFile, in: &context)
        datacenter = reader.read(.datacenter, in: &context)
        tags = reader.read(.tags, in: &context)
        ttl = reader.read(.ttl, in: &context)
        deregisterAfter = reader.read(.deregisterAfter, in: &context)
        source = reader.source
    }
}

/// A service's `consul:`: how it is registered (or `register: false`: not at all).
public struct ServiceConsulOptions: Sendable, Hashable, Encodable, NodeReadable {
    /// The Consul service name (a DNS label); by default the service id made into one.
    public var name: String?
    /// Replaces `settings.consul.tags` for this service.
    public var tags: [String]?
    /// Extra `Meta` pairs, beside the ones the daemon sets.
    public var meta: OrderedEntries<String>?
    /// `false`: this service is not registered.
    public var register: Bool?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, tags, meta, register
    }
    static let fieldNames = FieldNames(CodingKeys.self)

    public init(name: String? = nil, tags: [String]? = nil, register: Bool? = nil) {
        self.name = name
        self.tags = tags
        self.register = register
    }

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        var reader = try FieldReader<CodingKeys>(node, fields: Self.fieldNames, in: &context)
        name = reader.read(.name, in: &context)
        tags = reader.read(.tags, in: &context)
        meta = reader.read(.meta, in: &context)
        register = reader.read(.register, in: &context)
        source = reader.source
    }
}
