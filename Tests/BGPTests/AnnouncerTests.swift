import Addresses
import BGP
import BIRDControl
import Checks
import Publishing
import Foundation
import Logging
import Reconciler
import ServiceLifecycle
import Spec
import Synchronization
import Testing

/// The announcer as a lifecycle service, with BIRD played by a closure: it follows the published
/// state, retries a BIRD that fails, and withdraws everything before it stops.
@Suite struct AnnouncerTests {
    /// A BIRD that fails while `failing` is set and records the routes file at every `configure`.
    final class FakeBIRD: Sendable {
        let failing = Mutex(false)
        let seen = Mutex<[String]>([])
        let file: String
        init(file: String) { self.file = file }

        func answer(_ socket: String, _ command: String) throws -> BIRDReply {
            if failing.withLock({ $0 }) { throw BIRDError.unreachable(path: socket, reason: "Connection refused") }
            if command == "show status" { return BIRDReply(code: 13, lines: ["Daemon is up and running"]) }
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            seen.withLock { $0.append(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "|")) }
            return BIRDReply(code: 3, lines: ["Reconfigured"])
        }
    }

    func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<400 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test func followsTheStateRetriesAndWithdrawsOnStop() async throws {
        let harness = try Harness(yaml: "services:\n  web:\n    host: 192.0.2.10\n    port: 80\n    backends:\n      a: {host: 10.0.0.1, pulse: {type: tcp}}\n")
        let settings = BGPSettings(birdSocket: "/nonexistent.ctl", routesFile: harness.directory + "/vips.conf", withdrawGrace: .milliseconds(300), holdDown: .zero)
        let bird = FakeBIRD(file: settings.routesFile)
        bird.failing.withLock { $0 = true }
        let announcer = Announcer(settings: settings, states: harness.controller.state, command: { try bird.answer($0, $1) }, probeInterval: .milliseconds(100), logger: quietLogger)
        let group = ServiceGroup(services: [announcer], logger: quietLogger)
        let running = Task { try await group.run() }

        _ = await harness.applied(["web/a": .up])
        // BIRD down: reported, and retried with back-off until it answers.
        #expect(try await eventually { announcer.status.current.birdReachable == false })
        #expect(announcer.status.current.views.first?.reason == "bird-unreachable")
        #expect(announcer.status.current.lastError?.contains("Connection refused") == true)
        bird.failing.withLock { $0 = false }
        #expect(try await eventually { announcer.status.current.inBIRD.count == 1 })
        #expect(bird.seen.withLock { $0.last } == "route 192.0.2.10/32 blackhole;")
        #expect(announcer.status.current.views.first?.announced == true)

        // Health withdraws it.
        _ = await harness.applied(["web/a": .down])
        #expect(try await eventually { announcer.status.current.inBIRD.isEmpty })
        #expect(bird.seen.withLock { $0.last } == "")
        #expect(announcer.status.current.view(ofService: "web")?.reason == "services-down")
        _ = await harness.applied(["web/a": .up])
        #expect(try await eventually { announcer.status.current.inBIRD.count == 1 })

        // BIRD goes away while nothing changes: the idle probe notices, and once BIRD is back the
        // routes are handed to it again.
        let configures = announcer.status.current.configures
        bird.failing.withLock { $0 = true }
        #expect(try await eventually { announcer.status.current.birdReachable == false })
        #expect(announcer.status.current.inBIRD.isEmpty)
        bird.failing.withLock { $0 = false }
        #expect(try await eventually { announcer.status.current.inBIRD.count == 1 && announcer.status.current.birdReachable == true })
        #expect(announcer.status.current.configures == configures + 1)

        // Stop: withdrawn first, then the grace, then the service returns.
        let stopBegan = ContinuousClock.now
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(ContinuousClock.now - stopBegan >= .milliseconds(300))
        #expect(bird.seen.withLock { $0.last } == "")
        #expect(announcer.status.current.stopping)
        #expect(announcer.status.current.vips.first?.withdrawn == .stopping)
    }
}
