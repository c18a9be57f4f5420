public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Consul's agent HTTP API over AsyncHTTPClient: each call has a deadline, sends the ACL token as
/// `X-Consul-Token`, and turns anything but a 2xx into a ``ConsulFailure`` carrying Consul's
/// answer.
public struct ConsulAgentClient: Sendable {
    /// `http://127.0.0.1:8500`, without a trailing `/`.
    public let address: String
    let token: String?
    let timeout: Duration
    let http: HTTPClient

    public init(address: String, token: String?, timeout: Duration = .seconds(5), http: HTTPClient = .shared) {
        self.address = address.hasSuffix("/") ? String(address.dropLast()) : address
        self.token = token
        self.timeout = timeout
        self.http = http
    }

    public func register(_ registration: AgentServiceRegistration) async throws(ConsulFailure) {
        _ = try await send(.register(Self.json(registration)))
    }

    public func deregister(serviceID: String) async throws(ConsulFailure) {
        _ = try await send(.deregister(serviceID: serviceID))
    }

    public func updateCheck(checkID: String, _ report: CheckReport) async throws(ConsulFailure) {
        // Consul's body: {"Status": "passing", "Output": "..."}.
        _ = try await send(.updateCheck(checkID: checkID, body: Self.json(["Status": report.status.rawValue, "Output": report.output])))
    }

    public func maintenance(serviceID: String, reason: String?) async throws(ConsulFailure) {
        _ = try await send(.maintenance(serviceID: serviceID, reason: reason))
    }

    /// `GET /v1/agent/services`: the agent's services by id.
    public func services() async throws(ConsulFailure) -> [String: AgentService] {
        let request = AgentRequest.services
        let body = try await send(request)
        do {
            return try JSONDecoder().decode([String: AgentService].self, from: Data(body))
        } catch {
            throw .unreadable(request: "\(request)", reason: "\(error)")
        }
    }

    /// The agent's datacenter, from `GET /v1/agent/self` (`Config.Datacenter`).
    public func datacenter() async throws(ConsulFailure) -> String {
        struct AgentSelf: Decodable {
            struct Config: Decodable {
                var datacenter: String
                enum CodingKeys: String, CodingKey { case datacenter = "Datacenter" }
            }
            var config: Config
            enum CodingKeys: String, CodingKey { case config = "Config" }
        }
        let request = AgentRequest.agentSelf
        let body = try await send(request)
        do {
            return try JSONDecoder().decode(AgentSelf.self, from: Data(body)).config.datacenter
        } catch {
            throw .unreadable(request: "\(request)", reason: "\(error)")
        }
    }

    /// Sends one request; the answer's body on 2xx.
    public func send(_ request: AgentRequest) async throws(ConsulFailure) -> [UInt8] {
        var outgoing = HTTPClientRequest(url: address + request.path + (request.query.isEmpty ? "" : "?" + request.query.joined(separator: "&")))
        outgoing.method = request.method == .put ? .PUT : .GET
        if let token { outgoing.headers.add(name: "X-Consul-Token", value: token) }
        if let body = request.body {
            outgoing.headers.add(name: "Content-Type", value: "application/json")
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let status: Int
        let bytes: [UInt8]
        do {
            let response = try await http.execute(outgoing, timeout: TimeAmount(timeout))
            status = Int(response.status.code)
            var buffer = try await response.body.collect(upTo: 4 << 20)
            bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            throw .unreachable(request: "\(request)", reason: Self.describe(error))
        }
        guard (200..<300).contains(status) else {
            let text = String(decoding: bytes.prefix(512), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .answered(request: "\(request)", status: status, body: text)
        }
        return bytes
    }

    static func json(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    /// A transport error in words an operator can act on.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "no answer within the deadline (\(error))"
            default: return "\(error)"
            }
        }
        return "\(error)"
    }
}
