import Foundation
import Publishing
import Reconciler
import Spec
import Testing
@testable import Consul

/// What the published state registers, as pure values: the body of `register` for every kind of
/// service, the check's verdict, the daemon's own entry, maintenance, and the requests' paths.
@Suite struct RegistrationShapeTests {
    static let yaml = """
        settings:
          consul: {tags: [lb], ttl: 15s, deregister-after: 10m}
        services:
          Web_4:
            host: 192.0.2.10
            port: 80
            method: rr
            quorum: 2
            backends:
              a: {host: 10.0.0.1, port: 8080}
              b: {host: 10.0.0.2, port: 8080}
              c: {host: 10.0.0.3, port: 8080}
          web6:
            host: 2001:db8::10
            port: 443
            consul: {name: secure, tags: [tls], meta: {team: edge}}
            backends:
              a: {host: 2001:db8::1, port: 443}
          marked:
            fwmark: 7
            family: ipv6
            backends:
              a: {host: 2001:db8::2, port: 0}
          hidden:
            host: 192.0.2.11
            port: 81
            consul: {register: false}
        """

    func registrations(maintenance: String? = nil, daemon: DaemonEndpoint? = nil, down: Set<String> = []) async throws -> [String: Registration] {
        let balancer = try Balancer(Self.yaml)
        await balancer.down("Web_4", down)
        let state = balancer.controller.state.current
        return DesiredRegistrations.make(state: state, settings: try #require(state.desired.settings.consul), daemon: daemon, maintenance: maintenance)
    }

    @Test func ipv4ServiceShape() async throws {
        let web = try #require(try await registrations()["gorb:web-4"])
        let json = try JSONSerialization.jsonObject(with: Data(ConsulAgentClient.json(web.registrationBody))) as! [String: Any]
        #expect(Set(json.keys) == ["ID", "Name", "Tags", "Address", "Port", "Meta", "Check"])
        #expect(json["ID"] as? String == "gorb:web-4")
        #expect(json["Name"] as? String == "web-4")
        #expect(json["Address"] as? String == "192.0.2.10")
        #expect(json["Port"] as? Int == 80)
        #expect(json["Tags"] as? [String] == ["lb"])
        #expect(json["Meta"] as? [String: String] == ["managed-by": "gorb-reconcile", "gorb-service": "Web_4", "scheduler": "rr", "protocol": "tcp"])
        let check = try #require(json["Check"] as? [String: String])
        #expect(check["CheckID"] == "service:gorb:web-4")
        #expect(check["TTL"] == "15s")
        #expect(check["DeregisterCriticalServiceAfter"] == "10m")
        #expect(check["Status"] == "passing")
        #expect(check["Output"] == "3 of 3 backends up (quorum 2)")
    }

    @Test func ipv6ServiceShape() async throws {
        let all = try await registrations()
        let web6 = try #require(all["gorb:secure"])
        #expect(web6.definition.name == "secure")
        #expect(web6.definition.address == "2001:db8::10")
        #expect(web6.definition.port == 443)
        #expect(web6.definition.tags == ["tls"])
        #expect(web6.definition.meta["team"] == "edge")
        #expect(all["gorb:hidden"] == nil)
        #expect(all.count == 3)
    }

    @Test func fwmarkServiceRegistersItsMarkNotAnAddress() async throws {
        let marked = try #require(try await registrations()["gorb:marked"])
        #expect(marked.definition.address == nil)
        #expect(marked.definition.port == 0)
        #expect(marked.definition.meta["fwmark"] == "7")
        #expect(marked.definition.meta["family"] == "ipv6")
        #expect(marked.definition.meta["protocol"] == nil)
        let json = String(decoding: ConsulAgentClient.json(marked.registrationBody), as: UTF8.self)
        #expect(!json.contains("\"Address\""))
    }

    @Test func checkFollowsBackendsAndQuorum() async throws {
        #expect(try await registrations()["gorb:web-4"]?.report == CheckReport(.passing, "3 of 3 backends up (quorum 2)"))
        #expect(try await registrations(down: ["a"])["gorb:web-4"]?.report == CheckReport(.warning, "2 of 3 backends up (quorum 2): some down"))
        #expect(try await registrations(down: ["a", "b"])["gorb:web-4"]?.report == CheckReport(.critical, "1 of 3 backends up (quorum 2): below quorum"))
    }

    @Test func daemonOnTCPGetsAnHTTPCheck() async throws {
        let gorb = try #require(try await registrations(daemon: .http(host: "10.1.1.1", port: 4672))["gorb"])
        #expect(gorb.definition.name == "gorb" && gorb.definition.address == "10.1.1.1" && gorb.definition.port == 4672)
        #expect(gorb.definition.check.http == "http://10.1.1.1:4672/healthz")
        #expect(gorb.definition.check.ttl == nil && gorb.agentChecked)
        let wildcard = try #require(try await registrations(daemon: .http(host: nil, port: 4672))["gorb"])
        #expect(wildcard.definition.address == nil && wildcard.definition.check.http == "http://127.0.0.1:4672/healthz")
        let v6 = try #require(try await registrations(daemon: .http(host: "::1", port: 4672))["gorb"])
        #expect(v6.definition.check.http == "http://[::1]:4672/healthz")
    }

    @Test func daemonOnUnixSocketGetsATTLCheck() async throws {
        let gorb = try #require(try await registrations(daemon: .unixSocket)["gorb"])
        #expect(gorb.definition.port == 0 && gorb.definition.check.ttl == "15s" && !gorb.agentChecked)
    }

    @Test func hostMaintenancePutsEveryServiceInMaintenance() async throws {
        let all = try await registrations(maintenance: "kernel upgrade", daemon: .unixSocket)
        #expect(all.values.filter { $0.id != "gorb" }.allSatisfy { $0.maintenance == "kernel upgrade" })
        #expect(all["gorb"]?.maintenance == nil)
        #expect(try await registrations().values.allSatisfy { $0.maintenance == nil })
    }

    @Test func requestPaths() {
        #expect(AgentRequest.maintenance(serviceID: "gorb:web", reason: "kernel upgrade & reboot").description == "PUT /v1/agent/service/maintenance/gorb%3Aweb?enable=true&reason=kernel%20upgrade%20%26%20reboot")
        #expect(AgentRequest.maintenance(serviceID: "gorb:web", reason: nil).description == "PUT /v1/agent/service/maintenance/gorb%3Aweb?enable=false")
        #expect(AgentRequest.deregister(serviceID: "gorb:web").description == "PUT /v1/agent/service/deregister/gorb%3Aweb")
        #expect(AgentRequest.updateCheck(checkID: "service:gorb:web", body: []).description == "PUT /v1/agent/check/update/service%3Agorb%3Aweb")
        #expect(AgentRequest.register([]).description == "PUT /v1/agent/service/register?replace-existing-checks=true")
    }

    @Test func addressRule() {
        #expect(ConsulSettings.addressProblem("http://127.0.0.1:8500") == nil)
        #expect(ConsulSettings.addressProblem("https://consul.example:8501/") == nil)
        #expect(ConsulSettings.addressProblem("127.0.0.1:8500") != nil)
        #expect(ConsulSettings.addressProblem("http://") != nil)
    }
}
