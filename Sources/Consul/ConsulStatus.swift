/// The registrar's connection to the agent and what it registered, published after every round
/// for `GET /status` (under `consul`) and `/metrics`.
public struct ConsulStatus: Sendable, Hashable, Encodable {
    public var address: String
    /// `nil` until the first call; then whether the last call got a 2xx.
    public var connected: Bool?
    /// The last failure, with what Consul answered; kept until a round succeeds.
    public var lastError: String?
    /// Seconds since the epoch.
    public var lastErrorAt: Double?
    public var lastSuccessAt: Double?
    /// Our services the agent holds, by Consul service id, with their check's status.
    public var checks: [String: String]
    public var requests: Int
    /// Failed calls by kind (`unreachable`, `denied`, `server-error`, `client-error`, ...).
    public var failures: [String: Int]
    /// Failures in a row; the next try waits 1s, 2s, 4s ... up to 30s.
    public var consecutiveFailures: Int
    /// Host maintenance as sent to Consul (`nil`: none).
    public var maintenance: String?

    enum CodingKeys: String, CodingKey {
        case address, connected
        case lastError = "last-error"
        case lastErrorAt = "last-error-at"
        case lastSuccessAt = "last-success-at"
        case checks, requests, failures
        case consecutiveFailures = "consecutive-failures"
        case maintenance
    }

    public init(address: String) {
        self.address = address
        checks = [:]
        requests = 0
        failures = [:]
        consecutiveFailures = 0
    }

    /// The Prometheus text of the registrar's families (`gorb_consul_*`), appended to `/metrics`.
    public var metricsText: String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(String, Double)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, value) in samples { out += "\(name)\(labels) \(value == value.rounded() ? String(Int64(value)) : String(value))\n" }
        }
        let label = { (name: String, value: String) in "\(name)=\"\(Self.escape(value))\"" }
        family("gorb_consul_up", "gauge", "1 when the last call to the Consul agent got a 2xx answer, 0 when it failed (or none was made yet).", [("", connected == true ? 1 : 0)])
        family("gorb_consul_requests_total", "counter", "Calls made to the Consul agent's HTTP API.", [("", Double(requests))])
        let kinds = ["unreachable", "denied", "server-error", "client-error", "unreadable", "wrong-datacenter"]
        family("gorb_consul_request_failures_total", "counter", "Failed calls to the Consul agent, by kind.", kinds.map { ("{\(label("kind", $0))}", Double(failures[$0] ?? 0)) })
        family("gorb_consul_registered_services", "gauge", "Services (the daemon's own included) registered in the Consul agent.", [("", Double(checks.count))])
        let codes: [String: Double] = ["passing": 0, "warning": 1, "critical": 2]
        family("gorb_consul_check_status", "gauge", "Each registered service's check as last sent: 0 passing, 1 warning, 2 critical.", checks.keys.sorted().map { ("{\(label("consul_id", $0))}", codes[checks[$0]!] ?? 2) })
        family("gorb_consul_maintenance", "gauge", "1 while the host's services are in Consul maintenance mode.", [("", maintenance == nil ? 0 : 1)])
        return out
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
