/// The body of `PUT /v1/agent/service/register`, with Consul's field names and case exactly
/// (Consul's agent API docs, "Register Service"): `ID`, `Name`, `Tags`, `Address`, `Port`, `Meta`,
/// `Check`.
public struct AgentServiceRegistration: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var tags: [String]
    /// The VIP; `nil` (left out): Consul answers with the agent's node address.
    public var address: String?
    public var port: Int
    public var meta: [String: String]
    public var check: AgentCheckDefinition

    enum CodingKeys: String, CodingKey {
        case id = "ID"
        case name = "Name"
        case tags = "Tags"
        case address = "Address"
        case port = "Port"
        case meta = "Meta"
        case check = "Check"
    }

    public init(id: String, name: String, tags: [String], address: String?, port: Int, meta: [String: String], check: AgentCheckDefinition) {
        self.id = id
        self.name = name
        self.tags = tags
        self.address = address
        self.port = port
        self.meta = meta
        self.check = check
    }
}

/// A check in a service registration (Consul's agent API docs, "Register Check"): a TTL check
/// the daemon updates, or, for the daemon itself on a TCP listener, an HTTP check the agent runs.
public struct AgentCheckDefinition: Sendable, Hashable, Codable {
    public var checkID: String
    public var name: String
    /// `"30s"`: the check turns critical unless updated within it.
    public var ttl: String?
    /// An URL the agent GETs every `interval` (2xx passing, 429 warning, anything else critical).
    public var http: String?
    public var interval: String?
    public var timeout: String?
    /// `"10m"`: Consul removes the service once the check has been critical this long.
    public var deregisterCriticalServiceAfter: String
    /// The status at registration (`passing`, `warning`, `critical`); Consul's default is critical.
    public var status: String?
    public var output: String?

    enum CodingKeys: String, CodingKey {
        case checkID = "CheckID"
        case name = "Name"
        case ttl = "TTL"
        case http = "HTTP"
        case interval = "Interval"
        case timeout = "Timeout"
        case deregisterCriticalServiceAfter = "DeregisterCriticalServiceAfter"
        case status = "Status"
        case output = "Output"
    }

    public init(checkID: String, name: String, ttl: String? = nil, http: String? = nil, interval: String? = nil, timeout: String? = nil, deregisterCriticalServiceAfter: String, status: String? = nil, output: String? = nil) {
        self.checkID = checkID
        self.name = name
        self.ttl = ttl
        self.http = http
        self.interval = interval
        self.timeout = timeout
        self.deregisterCriticalServiceAfter = deregisterCriticalServiceAfter
        self.status = status
        self.output = output
    }
}

/// One entry of `GET /v1/agent/services` (what start-up cleanup reads: the id and our marker).
public struct AgentService: Sendable, Hashable, Decodable {
    public var id: String
    public var service: String
    public var meta: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id = "ID"
        case service = "Service"
        case meta = "Meta"
    }
}
