import ConsulAgentStandIn
import Foundation
import Publishing
import Reconciler
import Spec
import Testing
@testable import Consul

/// The registrar against the stand-in over HTTP, following a real controller's published state:
/// health transitions, removal, a restart over stale entries, an agent that is away, failing,
/// slow or refusing, and the TTL kept fresh.
@Suite struct RegistrarTests {
    static let yaml = """
        settings:
          consul: {ttl: 3s}
        services:
          web:
            host: 192.0.2.10
            port: 80
            quorum: 2
            backends:
              a: {host: 10.0.0.1, port: 8080}
              b: {host: 10.0.0.2, port: 8080}
              c: {host: 10.0.0.3, port: 8080}
          db:
            host: 2001:db8::5
            port: 5432
            backends:
              a: {host: 2001:db8::6, port: 5432}
        """

    func status(_ agent: RunningStandIn, _ id: String) -> String? { agent.model.check(ofService: id)?.status }

    @Test func checksFollowBackendsFailingAndRecovering() async throws {
        let agent = try await RunningStandIn.start()
        let balancer = try Balancer(Self.yaml)
        await balancer.pass()
        let registrar = ConsulRegistrar.forTest(balancer, address: agent.address)
        let running = registrar.start()
        #expect(await eventually { status(agent, "gorb:web") == "passing" && status(agent, "gorb:db") == "passing" })
        #expect(agent.model.services["gorb:web"]?.address == "192.0.2.10")

        await balancer.down("web", ["a"])
        #expect(await eventually { status(agent, "gorb:web") == "warning" })
        #expect(agent.model.check(ofService: "gorb:web")?.output == "2 of 3 backends up (quorum 2): some down")
        await balancer.down("web", ["a", "b"])
        #expect(await eventually { status(agent, "gorb:web") == "critical" })
        #expect(agent.model.check(ofService: "gorb:web")?.output.contains("below quorum") == true)
        await balancer.down("web", [])
        #expect(await eventually { status(agent, "gorb:web") == "passing" })
        // Each change went out as a check update, not a new registration.
        let registers = agent.model.received.filter { $0.path == "/v1/agent/service/register" }.count
        #expect(registers == 2)
        // The registrar publishes its status after the round that sent the update: the agent
        // may hold "passing" a moment before the registrar says so.
        #expect(await eventually { registrar.status.current.checks["gorb:web"] == "passing" })
        #expect(registrar.status.current.connected == true)
        running.cancel()
        await agent.stop()
    }

    @Test func ttlIsRefreshedOnlyWhenDue() async throws {
        let agent = try await RunningStandIn.start()
        let balancer = try Balancer(Self.yaml)
        await balancer.pass()
        let running = ConsulRegistrar.forTest(balancer, address: agent.address).start()
        #expect(await eventually { status(agent, "gorb:web") == "passing" })
        agent.model.clearReceived()
        // TTL 3s: refreshed every second, and not more often although the registrar wakes every 50 ms.
        try await Task.sleep(for: .milliseconds(2500))
        let updates = agent.model.received.filter { $0.path == "/v1/agent/check/update/service%3Agorb%3Aweb" }.count
        #expect((1...3).contains(updates), "\(updates) updates in 2.5 s")
        #expect(agent.model.received.allSatisfy { $0.method == "PUT" })
        running.cancel()
        await agent.stop()
    }

    @Test func removedServiceIsDeregistered() async throws {
        let agent = try await RunningStandIn.start()
        let balancer = try Balancer(Self.yaml)
        await balancer.pass()
        let running = ConsulRegistrar.forTest(balancer, address: agent.address).start()
        #expect(await eventually { agent.model.services.count == 2 })
        await balancer.edit(Self.yaml.replacingOccurrences(of: "  db:\n    host: 2001:db8::5\n    port: 5432\n    backends:\n      a: {host: 2001:db8::6, port: 5432}", with: ""))
        #expect(await eventually { agent.model.services.keys.sorted() == ["gorb:web"] })
        #expect(agent.model.checks["service:gorb:db"] == nil)
        running.cancel()
        await agent.stop()
    }

    @Test func restartRemovesOurStaleEntriesOnly() async throws {
        let model = AgentModel()
        let agent = try await RunningStandIn.start(model)
        // Left by a crashed run: a service since removed from the file, and someone else's.
        let stale = #"{"ID": "gorb:old", "Name": "old", "Meta": {"managed-by": "gorb-reconcile"}, "Check": {"TTL": "30s"}}"#
        let foreign = #"{"ID": "web", "Name": "web", "Meta": {"managed-by": "someone-else"}, "Check": {"TTL": "30s"}}"#
        _ = try await ConsulAgentClient(address: agent.address, token: nil).send(.register(Array(stale.utf8)))
        _ = try await ConsulAgentClient(address: agent.address, token: nil).send(.register(Array(foreign.utf8)))
        let balancer = try Balancer(Self.yaml)
        await balancer.pass()
        let running = ConsulRegistrar.forTest(balancer, address: agent.address).start()
        #expect(await eventually { model.services.keys.sorted() == ["gorb:db", "gorb:web", "web"] })
        running.cancel()
        await agent.stop()
    }

    @Test func agentAwayAtStartThenBack() async throws {
        // A free port: take one, then let it go.
        let probe = try await RunningStandIn.start()
        let port = probe.port
        await probe.stop()
        let balancer = try Balancer(Self.yaml)
        await balancer.pass()
        let registrar = ConsulRegistrar.forTest(balancer, address: "http://127.0.0.1:\(port)")
        let running = registrar.start()
        #expect(await eventually { registrar.status.current.consecutiveFailures >= 2 })
        let away = registrar.status.current
        #expect(away.connected == false)
        #expect(away.lastError?.contains("no answer from the Consul agent") == true, "\(away.lastError ?? "-")")
        #expect((away.failures["unreachable"] ?? 0) >= 2)
        #expect(away.metricsText.contains("gorb_consul_up 0"))
        // IPVS went on regardless: the controller passes while the agent is away.
        #expect(await balancer.controller.runPass())

        let agent = try await RunningStandIn.start(port: port)
        #expect(await eventually { status(agent, "gorb:web") == "passing" })
        #expect(await eventually { registrar.status.current.connected == true && registrar.status.current.lastError == nil })
        running.cancel()
        await agent.stop()
    }

    @Test func serverErrorsAreRetriedWithBackoff() async throws {
        let agent = try await RunningStandIn.start()
        agent.model.failNext(3, status: 500)
        let balancer = try Balancer(Self.yaml)
        await balancer.pass()
        let registrar = ConsulRegistrar.forTest(balancer, address: agent.address)
        let running = registrar.start()
        #expect(await eventually { status(agent, "gorb:web") == "passing" && registrar.status.current.connected == true })
        #expect(registrar.status.current.failures["server-error"] == 3)
        // The 500s were spaced by the back-off (50, 100, 200 ms), not hammered.
        let listings = agent.model.received.filter { $0.path == "/v1/agent/services" }.count
        #expect(listings == 4)
        running.cancel()
        await agent.stop()
    }

    @Test func slowAgentTimesOutAndRecovers() async throws {
        let agent = try await RunningStandIn.start()
        agent.model.setDelay(.seconds(2))
        let balancer = try Balancer(Self.yaml)
        await balancer.pass()
        let registrar = ConsulRegistrar.forTest(balancer, address: agent.address, timeout: .milliseconds(300))
        let running = registrar.start()
        #expect(await eventually { registrar.status.current.consecutiveFailures >= 1 })
        #expect(registrar.status.current.lastError?.contains("deadline") == true, "\(registrar.status.current.lastError ?? "-")")
        // A pass does not wait for the agent.
        let start = ContinuousClock.now
        #expect(await balancer.controller.runPass())
        #expect(ContinuousClock.now - start < .milliseconds(500))
        agent.model.setDelay(.zero)
        #expect(await eventually { status(agent, "gorb:web") == "passing" && registrar.status.current.connected == true })
        running.cancel()
        await agent.stop()
    }

    @Test func aclRefusalIsReportedWithConsulsWords() async throws {
        let agent = try await RunningStandIn.start(AgentModel(acl: .init(writeTokens: ["s3cret"])))
        let balancer = try Balancer(Self.yaml)
        await balancer.pass()
        let wrong = ConsulRegistrar.forTest(balancer, address: agent.address, token: "wrong")
        let running = wrong.start()
        #expect(await eventually { wrong.status.current.lastError != nil })
        let error = wrong.status.current.lastError ?? ""
        #expect(error.contains("Consul answered 403: ACL not found"), "\(error)")
        #expect(wrong.status.current.failures["denied"] ?? 0 >= 1)
        #expect(agent.model.services.isEmpty)
        running.cancel()

        let right = ConsulRegistrar.forTest(balancer, address: agent.address, token: "s3cret")
        let second = right.start()
        #expect(await eventually { status(agent, "gorb:web") == "passing" })
        #expect(agent.model.received.filter { $0.method == "PUT" }.last?.token == "s3cret")
        second.cancel()
        await agent.stop()
    }

    @Test func lostRegistrationIsRegisteredAgain() async throws {
        let agent = try await RunningStandIn.start()
        let balancer = try Balancer(Self.yaml)
        await balancer.pass()
        let running = ConsulRegistrar.forTest(balancer, address: agent.address).start()
        #expect(await eventually { status(agent, "gorb:web") == "passing" })
        // Someone deregisters it behind our back: the next TTL refresh gets 404 and registers again.
        _ = try await ConsulAgentClient(address: agent.address, token: nil).send(.deregister(serviceID: "gorb:web"))
        #expect(agent.model.services["gorb:web"] == nil)
        #expect(await eventually(5) { status(agent, "gorb:web") == "passing" })
        running.cancel()
        await agent.stop()
    }

    @Test func wrongDatacenterRegistersNothing() async throws {
        let agent = try await RunningStandIn.start(AgentModel(datacenter: "us-east"))
        let balancer = try Balancer(Self.yaml)
        await balancer.pass()
        let registrar = ConsulRegistrar.forTest(balancer, address: agent.address, datacenter: "eu-west")
        let running = registrar.start()
        #expect(await eventually { registrar.status.current.lastError?.contains("datacenter 'us-east'") == true })
        #expect(agent.model.services.isEmpty)
        running.cancel()
        await agent.stop()
    }

    @Test func maintenanceOnAndOff() async throws {
        let agent = try await RunningStandIn.start()
        let balancer = try Balancer(Self.yaml)
        await balancer.pass()
        let sync = RegistrationSync(client: ConsulAgentClient(address: agent.address, token: nil), datacenter: nil, backoff: (.milliseconds(50), .milliseconds(50)), logger: quietLogger)
        let state = balancer.controller.state.current
        let settings = try #require(state.desired.settings.consul)
        let on = DesiredRegistrations.make(state: state, settings: settings, daemon: nil, maintenance: "kernel upgrade")
        #expect(await sync.round(on, ttl: .seconds(3), now: .now))
        #expect(agent.model.checks["_service_maintenance:gorb:web"]?.notes == "kernel upgrade")
        #expect(agent.model.checks["_service_maintenance:gorb:db"]?.status == "critical")
        #expect(await sync.status.maintenance == "kernel upgrade")
        let off = DesiredRegistrations.make(state: state, settings: settings, daemon: nil, maintenance: nil)
        #expect(await sync.round(off, ttl: .seconds(3), now: .now))
        #expect(agent.model.checks.keys.filter { $0.hasPrefix("_service_maintenance") }.isEmpty)
        #expect(agent.model.received.contains { $0.path == "/v1/agent/service/maintenance/gorb%3Aweb" && $0.query == "enable=true&reason=kernel%20upgrade" })
        await agent.stop()
    }
}
