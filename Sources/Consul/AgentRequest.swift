/// One call of Consul's agent HTTP API: method, path and query, built here (pure, tested) and sent
/// by ``ConsulAgentClient``. Every write is a `PUT`, as Consul ≥ 1.0 requires (GORB's POSTs were
/// refused: hashicorp/consul#3659).
public struct AgentRequest: Sendable, Hashable, CustomStringConvertible {
    public enum Method: String, Sendable { case get = "GET", put = "PUT" }

    public var method: Method
    /// Percent-encoded path.
    public var path: String
    /// Percent-encoded `name=value` pairs.
    public var query: [String]
    public var body: [UInt8]?

    /// `PUT /v1/agent/service/maintenance/gorb%3Aweb?enable=true&reason=...`
    public var description: String {
        "\(method.rawValue) \(path)\(query.isEmpty ? "" : "?" + query.joined(separator: "&"))"
    }

    public static func register(_ body: [UInt8]) -> AgentRequest {
        AgentRequest(method: .put, path: "/v1/agent/service/register", query: ["replace-existing-checks=true"], body: body)
    }

    public static func deregister(serviceID: String) -> AgentRequest {
        AgentRequest(method: .put, path: "/v1/agent/service/deregister/\(encode(serviceID))", query: [], body: nil)
    }

    public static func updateCheck(checkID: String, body: [UInt8]) -> AgentRequest {
        AgentRequest(method: .put, path: "/v1/agent/check/update/\(encode(checkID))", query: [], body: body)
    }

    /// Service maintenance on (with the host's reason) or off: `maintenance` is the reason, or
    /// `nil` to end it. Consul keeps a critical `_service_maintenance:<id>` check while it is on,
    /// so the service leaves DNS answers without being deregistered.
    public static func maintenance(serviceID: String, reason: String?) -> AgentRequest {
        var query = ["enable=\(reason != nil)"]
        if let reason { query.append("reason=\(encode(reason))") }
        return AgentRequest(method: .put, path: "/v1/agent/service/maintenance/\(encode(serviceID))", query: query, body: nil)
    }

    public static let services = AgentRequest(method: .get, path: "/v1/agent/services", query: [], body: nil)
    public static let agentSelf = AgentRequest(method: .get, path: "/v1/agent/self", query: [], body: nil)

    /// RFC 3986 percent-encoding of everything but the unreserved characters.
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return out
    }
}

/// What went wrong talking to the agent, worded for `/status` and the log: what Consul answered.
public enum ConsulFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// No answer: refused, reset, timed out.
    case unreachable(request: String, reason: String)
    /// An answer other than 2xx, with Consul's own words (its body).
    case answered(request: String, status: Int, body: String)
    /// An answer that is not the JSON the docs describe.
    case unreadable(request: String, reason: String)
    /// `settings.consul.datacenter` names another datacenter than the agent's.
    case wrongDatacenter(expected: String, agent: String)

    public var description: String {
        switch self {
        case .unreachable(let request, let reason): "\(request): no answer from the Consul agent: \(reason)"
        case .answered(let request, let status, let body): "\(request): Consul answered \(status)\(body.isEmpty ? "" : ": \(body)")\(Self.hint(status))"
        case .unreadable(let request, let reason): "\(request): Consul's answer could not be read: \(reason)"
        case .wrongDatacenter(let expected, let agent): "the Consul agent is in datacenter '\(agent)', settings.consul.datacenter says '\(expected)': nothing is registered"
        }
    }

    /// The HTTP status, when Consul answered.
    public var status: Int? {
        if case .answered(_, let status, _) = self { return status }
        return nil
    }

    /// A short kind for the metrics' `outcome` label.
    public var kind: String {
        switch self {
        case .unreachable: "unreachable"
        case .answered(_, let status, _) where status == 403: "denied"
        case .answered(_, let status, _) where status >= 500: "server-error"
        case .answered: "client-error"
        case .unreadable: "unreadable"
        case .wrongDatacenter: "wrong-datacenter"
        }
    }

    private static func hint(_ status: Int) -> String {
        status == 403 ? " (the ACL token of settings.consul.token-file is missing, unknown, or lacks service:write)" : ""
    }
}
