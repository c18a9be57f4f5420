import AsyncHTTPClient
import ConsulAgentStandIn
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The stand-in holds to the agent API as Consul documents it; these pin each modelled behaviour,
/// so the registrar's tests against it mean something.
@Suite struct StandInTests {
    struct Answer {
        var status: Int
        var body: String
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]) ?? [:] }
    }

    func call(_ agent: RunningStandIn, _ method: HTTPMethod, _ path: String, body: String? = nil, token: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: agent.address + path)
        request.method = method
        if let token { request.headers.add(name: "X-Consul-Token", value: token) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), body: String(buffer: bytes))
    }

    static let ttlService = #"{"ID": "web1", "Name": "web", "Port": 80, "Check": {"TTL": "10s", "DeregisterCriticalServiceAfter": "1m"}}"#

    @Test func writesArePutOnly() async throws {
        let agent = try await RunningStandIn.start()
        defer { Task { await agent.stop() } }
        for method in [HTTPMethod.POST, .GET, .DELETE] {
            let answer = try await call(agent, method, "/v1/agent/service/register", body: Self.ttlService)
            #expect(answer.status == 405, "\(method)")
        }
        #expect(try await call(agent, .POST, "/v1/agent/check/update/x").status == 405)
        #expect(try await call(agent, .GET, "/v1/agent/service/deregister/x").status == 405)
        #expect(try await call(agent, .PUT, "/v1/agent/services").status == 405)
        #expect(agent.model.services.isEmpty)
    }

    @Test func checkIDDefaultsToServiceID() async throws {
        let agent = try await RunningStandIn.start()
        defer { Task { await agent.stop() } }
        #expect(try await call(agent, .PUT, "/v1/agent/service/register", body: Self.ttlService).status == 200)
        let check = try #require(agent.model.checks["service:web1"])
        #expect(check.status == "critical")  // Consul's default until the first update
        #expect(check.name == "Service 'web' check")
        // ID defaults to Name.
        #expect(try await call(agent, .PUT, "/v1/agent/service/register", body: #"{"Name": "db", "Check": {"TTL": "5s"}}"#).status == 200)
        #expect(agent.model.services["db"] != nil && agent.model.checks["service:db"] != nil)
    }

    @Test func fieldNamesAreExact() async throws {
        let agent = try await RunningStandIn.start()
        defer { Task { await agent.stop() } }
        let lower = try await call(agent, .PUT, "/v1/agent/service/register", body: #"{"id": "web1", "Name": "web"}"#)
        #expect(lower.status == 400 && lower.body.contains("unknown field \"id\""))
        let check = try await call(agent, .PUT, "/v1/agent/service/register", body: #"{"Name": "web", "Check": {"ttl": "5s"}}"#)
        #expect(check.status == 400)
        let update = try await call(agent, .PUT, "/v1/agent/check/update/service:web", body: #"{"status": "passing"}"#)
        #expect(update.status == 400)
    }

    @Test func ttlExpiryTurnsCriticalThenDeregisters() async throws {
        let agent = try await RunningStandIn.start()
        defer { Task { await agent.stop() } }
        _ = try await call(agent, .PUT, "/v1/agent/service/register", body: Self.ttlService)
        #expect(try await call(agent, .PUT, "/v1/agent/check/update/service:web1", body: #"{"Status": "passing", "Output": "3 of 3"}"#).status == 200)
        #expect(agent.model.checks["service:web1"]?.status == "passing")
        agent.model.advance(by: .seconds(11))
        let expired = try #require(agent.model.checks["service:web1"])
        #expect(expired.status == "critical" && expired.output == "TTL expired")
        agent.model.advance(by: .seconds(61))
        #expect(agent.model.services["web1"] == nil)
        #expect(agent.model.checks.isEmpty)
    }

    @Test func updateOfUnknownOrNonTTLCheck() async throws {
        let agent = try await RunningStandIn.start()
        defer { Task { await agent.stop() } }
        let unknown = try await call(agent, .PUT, "/v1/agent/check/update/nope", body: #"{"Status": "passing"}"#)
        #expect(unknown.status == 404 && unknown.body.contains("Unknown check ID \"nope\""))
        _ = try await call(agent, .PUT, "/v1/agent/service/register", body: #"{"ID": "g", "Name": "gorb", "Port": 4672, "Check": {"HTTP": "http://127.0.0.1:4672/healthz", "Interval": "10s"}}"#)
        let http = try await call(agent, .PUT, "/v1/agent/check/update/service:g", body: #"{"Status": "passing"}"#)
        #expect(http.status == 500 && http.body.contains("does not have associated TTL"))
        let bad = try await call(agent, .PUT, "/v1/agent/check/update/service:g", body: #"{"Status": "ok"}"#)
        #expect(bad.status == 400)
    }

    @Test func replaceExistingChecksAndDeregistration() async throws {
        let agent = try await RunningStandIn.start()
        defer { Task { await agent.stop() } }
        _ = try await call(agent, .PUT, "/v1/agent/service/register", body: #"{"ID": "web1", "Name": "web", "Check": {"CheckID": "old", "TTL": "10s"}}"#)
        _ = try await call(agent, .PUT, "/v1/agent/service/register", body: #"{"ID": "web1", "Name": "web", "Check": {"CheckID": "new", "TTL": "10s"}}"#)
        #expect(Set(agent.model.checks.keys) == ["old", "new"])  // without the parameter, old checks stay
        _ = try await call(agent, .PUT, "/v1/agent/service/register?replace-existing-checks=true", body: #"{"ID": "web1", "Name": "web", "Check": {"CheckID": "newest", "TTL": "10s"}}"#)
        #expect(Set(agent.model.checks.keys) == ["newest"])
        #expect(try await call(agent, .PUT, "/v1/agent/service/deregister/web1").status == 200)
        #expect(agent.model.services.isEmpty && agent.model.checks.isEmpty)
        // "If the service does not exist, no action is taken."
        #expect(try await call(agent, .PUT, "/v1/agent/service/deregister/web1").status == 200)
    }

    @Test func serviceMaintenance() async throws {
        let agent = try await RunningStandIn.start()
        defer { Task { await agent.stop() } }
        _ = try await call(agent, .PUT, "/v1/agent/service/register", body: Self.ttlService)
        #expect(try await call(agent, .PUT, "/v1/agent/service/maintenance/web1").status == 400)  // enable is required
        #expect(try await call(agent, .PUT, "/v1/agent/service/maintenance/nope?enable=true").status == 404)
        #expect(try await call(agent, .PUT, "/v1/agent/service/maintenance/web1?enable=true&reason=kernel%20upgrade").status == 200)
        let check = try #require(agent.model.checks["_service_maintenance:web1"])
        #expect(check.status == "critical" && check.notes == "kernel upgrade")
        #expect(try await call(agent, .PUT, "/v1/agent/service/maintenance/web1?enable=false").status == 200)
        #expect(agent.model.checks["_service_maintenance:web1"] == nil)
    }

    @Test func aclEnforcementAsConsulWordsIt() async throws {
        let agent = try await RunningStandIn.start(AgentModel(acl: .init(writeTokens: ["good"], readTokens: ["reader"])))
        defer { Task { await agent.stop() } }
        let anonymous = try await call(agent, .PUT, "/v1/agent/service/register", body: Self.ttlService)
        #expect(anonymous.status == 403 && anonymous.body.hasPrefix("Permission denied: anonymous token lacks permission 'service:write' on \"web\""))
        let unknown = try await call(agent, .PUT, "/v1/agent/service/register", body: Self.ttlService, token: "bad")
        #expect(unknown.status == 403 && unknown.body == "ACL not found")
        let reader = try await call(agent, .PUT, "/v1/agent/service/register", body: Self.ttlService, token: "reader")
        #expect(reader.status == 403 && reader.body.contains("lacks permission 'service:write'"))
        #expect(agent.model.services.isEmpty)
        #expect(try await call(agent, .PUT, "/v1/agent/service/register", body: Self.ttlService, token: "good").status == 200)
        // Reads: the anonymous token sees nothing (filtered), an unknown token is refused.
        #expect(try await call(agent, .GET, "/v1/agent/services").json.isEmpty)
        #expect(try await call(agent, .GET, "/v1/agent/services", token: "bad").status == 403)
        #expect(try await call(agent, .GET, "/v1/agent/services", token: "reader").json.keys.sorted() == ["web1"])
    }

    @Test func faultsAndDelay() async throws {
        let agent = try await RunningStandIn.start()
        defer { Task { await agent.stop() } }
        agent.model.failNext(1, status: 500)
        let failed = try await call(agent, .GET, "/v1/agent/services")
        #expect(failed.status == 500 && failed.body.contains("No cluster leader"))
        #expect(try await call(agent, .GET, "/v1/agent/services").status == 200)
    }
}
