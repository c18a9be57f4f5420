import Checks
import Foundation
import IPVS
import IPVSTesting
import Logging
import NIOCore
import NIOEmbedded
import Publishing
import Reconciler
import Spec
import Testing

/// A restart is hitless with health checks on: checks resume from the weight the kernel holds
/// instead of starting every backend at its full weight, and `pulse.initial: down` keeps a new
/// backend out until it has proved itself.
@Suite struct RestartResumeTests {
    static let rules = PulseRules(interval: .seconds(1), rise: 2, fall: 3, ramp: .seconds(10))
    static let up = ProbeOutcome.up(.milliseconds(1))
    static let down = ProbeOutcome.down("refused", latency: .milliseconds(1))

    @Test func aBackendHeldDownStaysAtZeroUntilRiseThenRamps() {
        var state = HealthState(resumingFrom: 0, desired: 100)
        #expect(state.status == .unknown)
        #expect(state.weight(desired: 100, at: .seconds(0), pulse: Self.rules) == 0)
        #expect(!state.countsAsHealthy)
        state.record(Self.up, at: .seconds(1), pulse: Self.rules)
        // One success of rise = 2: still down, still 0 (a fresh backend would be up at 100 now).
        #expect(state.status == .down)
        #expect(state.weight(desired: 100, at: .seconds(1), pulse: Self.rules) == 0)
        state.record(Self.up, at: .seconds(2), pulse: Self.rules)
        #expect(state.status == .up)
        #expect(state.weight(desired: 100, at: .seconds(2), pulse: Self.rules) == 1)
        #expect(state.weight(desired: 100, at: .seconds(3), pulse: Self.rules) == 10)
        #expect(state.weight(desired: 100, at: .seconds(12), pulse: Self.rules) == 100)
    }

    @Test func aBackendHeldDownThatFailsIsDownAtOnce() {
        var state = HealthState(resumingFrom: 0, desired: 100)
        state.record(Self.down, at: .seconds(1), pulse: Self.rules)
        #expect(state.status == .down)
        #expect(state.weight(desired: 100, at: .seconds(1), pulse: Self.rules) == 0)
    }

    @Test(arguments: [(Int32(40), Int32(40)), (1, 1), (55, 50), (99, 90)])
    func aBackendMidRampResumesAtTheStepTheKernelHeld(held: Int32, resumed: Int32) {
        var state = HealthState(resumingFrom: held, desired: 100)
        #expect(state.weight(desired: 100, at: .seconds(0), pulse: Self.rules) == held)
        state.record(Self.up, at: .seconds(5), pulse: Self.rules)
        #expect(state.status == .up)
        let now = state.weight(desired: 100, at: .seconds(5), pulse: Self.rules)
        #expect(now == resumed)
        #expect(now <= held)  // never more than the kernel held
        #expect(state.isRamping(at: .seconds(5), ramp: Self.rules.ramp))
        #expect(state.weight(desired: 100, at: .seconds(15), pulse: Self.rules) == 100)
    }

    @Test func aBackendMidRampThatFailsIsDownAtOnce() {
        var state = HealthState(resumingFrom: 30, desired: 100)
        state.record(Self.down, at: .seconds(1), pulse: Self.rules)
        #expect(state.status == .down)
    }

    @Test func fullWeightInTheKernelIsAnOrdinaryStart() {
        #expect(HealthState(resumingFrom: 100, desired: 100) == HealthState())
        #expect(HealthState(resumingFrom: 150, desired: 100) == HealthState())
        var state = HealthState(resumingFrom: 100, desired: 100)
        state.record(Self.up, at: .seconds(1), pulse: Self.rules)
        #expect(state.status == .up)
        #expect(state.weight(desired: 100, at: .seconds(1), pulse: Self.rules) == 100)
    }

    @Test func initialDownWaitsForRise() {
        var state = HealthState(initial: .down)
        #expect(state.weight(desired: 100, at: .zero, pulse: Self.rules) == 0)
        state.record(Self.up, at: .seconds(1), pulse: Self.rules)
        #expect(state.weight(desired: 100, at: .seconds(1), pulse: Self.rules) == 0)
        state.record(Self.up, at: .seconds(2), pulse: Self.rules)
        #expect(state.status == .up)
        #expect(HealthState(initial: .up) == HealthState())
    }

    static let yaml = """
        services:
          web:
            host: 192.0.2.10
            port: 80
            pulse: {type: tcp, interval: 1s, rise: 2, fall: 3, ramp: 10s}
            backends:
              a: {host: 10.0.0.1}
              b: {host: 10.0.0.2}
              c: {host: 10.0.0.3}
              new: {host: 10.0.0.4, pulse: {initial: down}}
              plain: {host: 10.0.0.5, pulse: {type: none}}

        """

    /// The daemon restarts over a kernel where `a` is down (0), `b` mid-ramp (40) and `c` and
    /// `plain` at full weight; `new` is not in the kernel. Until each backend's first check, no
    /// weight goes up; after it, `a` needs rise and the ramp, `b` goes on ramping from 40.
    @Test func aRestartOverAKernelWithHealthStateRaisesNothingBeforeTheChecks() async throws {
        let loop = NIOAsyncTestingEventLoop()
        let prober = ScriptedProber()
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let ipvs = FakeIPVS()
        let state = NSTemporaryDirectory() + "gorb-resume-\(UUID().uuidString)"
        let initial = try ValidatedFile.parse(bytes: Array(Self.yaml.utf8), file: "gorb.yaml")
        let previous = try ValidatedFile.parse(bytes: Array(Self.yaml.replacingOccurrences(of: "      new: {host: 10.0.0.4, pulse: {initial: down}}\n", with: "").utf8), file: "gorb.yaml")
        func controller(_ monitor: HealthMonitor, _ file: ValidatedFile) -> Controller {
            let reconciler = Reconciler(ipvs: ipvs, interfaces: StaticInterfaces([:]), store: StateStore(directory: state), logger: logger)
            return Controller(
                reconciler: reconciler,
                initial: file,
                loadFile: { () throws(ConfigErrors) -> ValidatedFile in file },
                health: monitor.verdicts,
                logger: logger
            )
        }
        func weights() throws -> [String: Int32] {
            var result: [String: Int32] = [:]
            for destination in try ipvs.table().values.first ?? [] { result["\(destination.address)"] = destination.weight }
            return result
        }

        // The previous run (without `new`, added to the file while the daemon was down) left a
        // down at 0 and b mid-ramp at 40.
        let before = HealthMonitor(group: loop, prober: prober, clock: { loop.now }, logger: logger)
        let first = controller(before, previous)
        before.update(first.desired.current)
        before.publishNow()
        #expect(await first.runPass())
        let (service, destinations) = try #require(try ipvs.table().first)
        for var destination in destinations {
            switch "\(destination.address)" {
            case "10.0.0.1": destination.weight = 0
            case "10.0.0.2": destination.weight = 40
            default: continue
            }
            try ipvs.apply(.updateDestination(destination, service: service.key))
        }
        #expect(try weights() == ["10.0.0.1": 0, "10.0.0.2": 40, "10.0.0.3": 100, "10.0.0.5": 100])

        // The restart, wired as Run.swift does.
        let monitor = HealthMonitor(group: loop, prober: prober, clock: { loop.now }, logger: logger)
        let daemon = controller(monitor, initial)
        monitor.update(daemon.desired.current)
        monitor.resume(kernelWeights: try daemon.observe(daemon.desired.current).weights)
        monitor.publishNow()
        monitor.start()
        #expect(await daemon.runPass())
        #expect(try weights() == ["10.0.0.1": 0, "10.0.0.2": 40, "10.0.0.3": 100, "10.0.0.4": 0, "10.0.0.5": 100])
        #expect(monitor.verdicts.current["web", "a"]?.status == .unknown)

        // From the restart on, every pass: a and new climb through the ramp from 1 after rise
        // successes, b goes on from 40; nothing jumps to its full weight.
        var seen = try weights().mapValues { [$0] }
        for _ in 0..<150 {
            await loop.advanceTime(by: .milliseconds(100))
            await monitor.settled()
            #expect(await daemon.runPass())
            for (address, weight) in try weights() where seen[address]?.last != weight { seen[address, default: []].append(weight) }
        }
        #expect(seen["10.0.0.1"] == [0, 1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
        #expect(seen["10.0.0.4"] == [0, 1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
        #expect(seen["10.0.0.2"] == [40, 50, 60, 70, 80, 90, 100])
        #expect(seen["10.0.0.3"] == [100])
        #expect(seen["10.0.0.5"] == [100])
        monitor.stop()
    }
}
