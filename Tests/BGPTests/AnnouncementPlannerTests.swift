import Addresses
import BGP
import Checks
import Publishing
import Reconciler
import Testing

/// Which VIPs are announced, and why the others are not.
@Suite struct AnnouncementPlannerTests {
    let start = ContinuousClock.now
    static let allUp: [String: HealthStatus] = ["web/a": .up, "web/b": .up, "web-tls/a": .up, "api/a": .up, "api/b": .up, "v6/a": .up]

    @Test func nothingBeforeTheFirstPass() throws {
        let harness = try Harness()
        var planner = AnnouncementPlanner(holdDown: .seconds(10))
        let vips = planner.decide(.init(state: harness.controller.state.current, now: start)).vips
        #expect(vips.map(\.withdrawn) == [.notApplied, .notApplied, .notApplied])
        // One entry per VIP, its services in the file's order; the fwmark service has no VIP.
        #expect(vips.map(\.services) == [["web", "web-tls"], ["api"], ["v6"]])
    }

    @Test func backendsWithoutVerdictAreNotAnnounced() async throws {
        let harness = try Harness()
        var planner = AnnouncementPlanner(holdDown: .seconds(10))
        let vips = planner.decide(.init(state: await harness.applied([:]), now: start)).vips
        #expect(vips.map(\.withdrawn) == [.healthUnknown, .healthUnknown, .healthUnknown])
    }

    @Test func allUpAnnouncesEveryVIP() async throws {
        let harness = try Harness()
        var planner = AnnouncementPlanner(holdDown: .seconds(10))
        let vips = planner.decide(.init(state: await harness.applied(Self.allUp), now: start)).vips
        #expect(vips.allSatisfy { $0.announce })
    }

    @Test func oneServiceUpKeepsASharedVIP() async throws {
        let harness = try Harness()
        var planner = AnnouncementPlanner(holdDown: .seconds(10))
        var statuses = Self.allUp
        statuses["web/a"] = .down
        statuses["web/b"] = .down
        #expect(planner.decide(.init(state: await harness.applied(statuses), now: start)).vips[vip: "192.0.2.10"] == .some(nil))
        statuses["web-tls/a"] = .down
        #expect(planner.decide(.init(state: await harness.applied(statuses), now: start)).vips[vip: "192.0.2.10"] == .down)
    }

    @Test func quorumCountsNeitherFallbackNorUnchecked() async throws {
        let harness = try Harness()
        var planner = AnnouncementPlanner(holdDown: .seconds(10))
        var statuses = Self.allUp
        statuses["api/b"] = .down
        #expect(planner.decide(.init(state: await harness.applied(statuses), now: start)).vips[vip: "192.0.2.20"] == .down)
        statuses["api/b"] = nil
        #expect(planner.decide(.init(state: await harness.applied(statuses), now: start)).vips[vip: "192.0.2.20"] == .healthUnknown)
    }

    @Test func drainedBackendDoesNotCount() async throws {
        let yaml = "services:\n  web:\n    host: 192.0.2.10\n    port: 80\n    backends:\n      a: {host: 10.0.0.1, weight: 0, pulse: {type: tcp}}\n"
        let harness = try Harness(yaml: yaml)
        var planner = AnnouncementPlanner(holdDown: .zero)
        #expect(planner.decide(.init(state: await harness.applied(["web/a": .up]), now: start)).vips[vip: "192.0.2.10"] == .down)
    }

    @Test func noChecksMeansUpOnceApplied() async throws {
        let yaml = "services:\n  web:\n    host: 192.0.2.10\n    port: 80\n    backends:\n      a: {host: 10.0.0.1, pulse: {type: none}}\n"
        let harness = try Harness(yaml: yaml)
        var planner = AnnouncementPlanner(holdDown: .zero)
        #expect(planner.decide(.init(state: await harness.applied([:]), now: start)).vips[vip: "192.0.2.10"] == .some(nil))
    }

    @Test func maintenanceAndStopWithdrawEverything() async throws {
        let harness = try Harness()
        var planner = AnnouncementPlanner(holdDown: .seconds(10))
        _ = await harness.applied(Self.allUp)
        _ = try await harness.controller.setMaintenance(enabled: true, reason: "kernel upgrade")
        let state = harness.controller.state.current
        #expect(state.maintenance.enabled && state.maintenance.reason == "kernel upgrade")
        #expect(planner.decide(.init(state: state, now: start)).vips.map(\.withdrawn) == [.maintenance, .maintenance, .maintenance])
        #expect(planner.decide(.init(state: state, stopping: true, now: start)).vips.map(\.withdrawn) == [.stopping, .stopping, .stopping])
        // Maintenance off: announced again at once (no hold-down: health did not withdraw them).
        _ = try await harness.controller.setMaintenance(enabled: false, reason: nil)
        #expect(planner.decide(.init(state: harness.controller.state.current, now: start)).vips.allSatisfy { $0.announce })
    }

    @Test func absentVIPIsNotAnnounced() async throws {
        let harness = try Harness()
        var planner = AnnouncementPlanner(holdDown: .seconds(10))
        let state = await harness.applied(Self.allUp)
        let vips = planner.decide(.init(state: state, present: [try #require(IPAddress("192.0.2.20"))], now: start)).vips
        #expect(vips.map(\.withdrawn) == [.notPresent, nil, .notPresent])
    }

    @Test func holdDownDelaysOnlyTheReannouncement() async throws {
        let harness = try Harness()
        var planner = AnnouncementPlanner(holdDown: .seconds(10))
        #expect(planner.decide(.init(state: await harness.applied(Self.allUp), now: start)).vips[vip: "2001:db8::10"] == .some(nil))
        var statuses = Self.allUp
        statuses["v6/a"] = .down
        // Withdrawn at once.
        #expect(planner.decide(.init(state: await harness.applied(statuses), now: start + .seconds(1))).vips[vip: "2001:db8::10"] == .down)
        // Back up 2 s later: held down until 11 s, and the caller is told when to look again.
        let up = await harness.applied(Self.allUp)
        let held = planner.decide(.init(state: up, now: start + .seconds(3)))
        #expect(held.vips[vip: "2001:db8::10"] == .holdDown)
        #expect(held.recheckAt == start + .seconds(11))
        #expect(planner.decide(.init(state: up, now: start + .seconds(11))).vips[vip: "2001:db8::10"] == .some(nil))
    }

    @Test func maintenanceSurvivesARestart() async throws {
        let harness = try Harness()
        _ = try await harness.controller.setMaintenance(enabled: true, reason: "rack move")
        let loaded = try StateStore(directory: harness.directory).loadMaintenance()
        #expect(loaded.enabled && loaded.reason == "rack move" && loaded.since != nil)
    }
}
