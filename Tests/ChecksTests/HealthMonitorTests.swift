import Addresses
import Checks
import Logging
import NIOCore
import NIOEmbedded
import Publishing
import Reconciler
import Spec
import Synchronization
import Testing

/// A prober that answers from a script (by backend id) and counts its probes.
final class ScriptedProber: Prober {
    private let state = Mutex<(up: [String: Bool], notMade: Set<String>, counts: [String: Int])>(([:], [], [:]))

    func set(_ id: String, up: Bool) { state.withLock { $0.up[id] = up } }
    /// Probes of `id` fail as this host's failures (out of descriptors) while `notMade` is true.
    func set(_ id: String, notMade: Bool) {
        state.withLock { state in
            if notMade { state.notMade.insert(id) } else { state.notMade.remove(id) }
        }
    }
    func count(_ id: String) -> Int { state.withLock { $0.counts[id] ?? 0 } }

    func probe(_ probe: Probe, backend: Backend, timeout: Duration, on eventLoop: any EventLoop) -> EventLoopFuture<ProbeOutcome> {
        let (up, notMade) = state.withLock { state in
            state.counts[backend.id, default: 0] += 1
            return (state.up[backend.id] ?? true, state.notMade.contains(backend.id))
        }
        if notMade { return eventLoop.makeSucceededFuture(.notMade("Too many open files")) }
        return eventLoop.makeSucceededFuture(up ? .up(.milliseconds(2)) : .down("connection refused", latency: .milliseconds(1)))
    }
}

/// A prober whose probes never finish until told to: probes in flight, counted.
final class HangingProber: Prober {
    let promises = Mutex<[EventLoopPromise<ProbeOutcome>]>([])

    func probe(_ probe: Probe, backend: Backend, timeout: Duration, on eventLoop: any EventLoop) -> EventLoopFuture<ProbeOutcome> {
        let promise = eventLoop.makePromise(of: ProbeOutcome.self)
        promises.withLock { $0.append(promise) }
        return promise.futureResult
    }

    /// Completes every probe in flight as up; returns how many there were.
    func finishAll() -> Int {
        let pending = promises.withLock { promises in
            defer { promises = [] }
            return promises
        }
        for promise in pending { promise.succeed(.up(.milliseconds(1))) }
        return pending.count
    }
}

final class Counter: Sendable {
    let value = Mutex(0)
}

/// The monitor on a virtual-time event loop: thresholds, weights, ramp steps, back-off, quorum
/// and config changes, with no real sleeping for the checks themselves.
@Suite struct HealthMonitorTests {
    let loop = NIOAsyncTestingEventLoop()
    let prober = ScriptedProber()
    let monitor: HealthMonitor

    init() {
        let loop = self.loop
        monitor = HealthMonitor(group: loop, prober: prober, clock: { loop.now }, wallClock: { Self.wall(loop) }, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// Wall-clock time that moves with the loop's virtual time.
    static func wall(_ loop: NIOAsyncTestingEventLoop) -> Double {
        1_800_000_000 + Double(loop.now.uptimeNanoseconds) / 1e9
    }

    /// How many times the monitor published its verdicts.
    var publications: Int { monitor.verdicts.version }

    static func config(interval: Duration = .seconds(5), ramp: Duration = .seconds(10), quorum: Int = 1, backends: [(String, Int32)] = [("a", 100)], fallback: Bool = false, probe: Probe = .tcp(TCPProbe())) -> Config {
        let pulse = Pulse(probe: probe, interval: interval, timeout: .seconds(1), rise: 2, fall: 3, ramp: ramp)
        var list = backends.enumerated().map { index, item in
            Backend(id: item.0, address: IPAddress("10.0.0.\(index + 1)")!, port: 80, weight: item.1, pulse: pulse)
        }
        if fallback { list.append(Backend(id: "sorry", address: IPAddress("10.0.9.9")!, port: 80, weight: 5, pulse: pulse, fallback: true)) }
        let service = Service(id: "web", endpoint: .address(host: .ip(IPAddress("192.0.2.1")!), port: 80, protocol: .tcp), backends: list, quorum: quorum)
        return Config(services: [service])
    }

    /// The weight the reconciler gives a backend of `config` now: the verdicts composed with it.
    func weight(_ config: Config, _ id: String) -> Int32 {
        Composition(config, health: monitor.currentVerdicts()).effective.services[0][backendID: id]!.weight
    }

    func status(_ id: String) -> HealthStatus? { monitor.currentVerdicts()["web", id]?.status }

    /// The service's standing against its quorum, as the reconciler composes it.
    func standing(_ config: Config) -> Composition.Standing? {
        Composition(config, health: monitor.currentVerdicts()).standings["web"]
    }

    /// Waits (in real time, generously) for the asynchronous publication of the verdicts.
    func eventuallyChanged(atLeast count: Int) async {
        for _ in 0..<500 where publications < count {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test func deadBackendIsZeroWithinFallChecks() async {
        let config = Self.config()
        prober.set("a", up: false)
        monitor.update(config)
        monitor.start()
        #expect(status("a") == .unknown)
        #expect(weight(config, "a") == 100)
        // Unknown backends are re-checked every second: fall = 3 failures within ~3s, far less
        // than fall × interval (15s).
        await loop.advanceTime(by: .seconds(3))
        #expect(status("a") == .down)
        #expect(weight(config, "a") == 0)
        await eventuallyChanged(atLeast: 1)
        #expect(publications >= 1)
        monitor.stop()
    }

    @Test func failureOfAnUpBackendWithinFallTimesInterval() async {
        let config = Self.config()
        monitor.update(config)
        monitor.start()
        await loop.advanceTime(by: .seconds(30))
        #expect(status("a") == .up)
        prober.set("a", up: false)
        await loop.advanceTime(by: .seconds(15))  // fall × interval
        #expect(status("a") == .down)
        #expect(weight(config, "a") == 0)
        monitor.stop()
    }

    @Test func recoveryRampsInTenSteps() async {
        let config = Self.config(interval: .seconds(1), ramp: .seconds(10))
        prober.set("a", up: false)
        monitor.update(config)
        monitor.start()
        await loop.advanceTime(by: .seconds(5))
        #expect(status("a") == .down)
        await eventuallyChanged(atLeast: 1)
        let before = publications
        prober.set("a", up: true)
        // Back-off may stretch the next check to a few seconds; rise = 2 successes after it.
        var seen: [Int32] = []
        var notified = before
        for _ in 0..<400 {
            await loop.advanceTime(by: .milliseconds(100))
            let current = weight(config, "a")
            if current != seen.last {
                seen.append(current)
                if seen.count > 1 {
                    // Each step asks for a pass. Virtual time runs ahead of the notification
                    // task, so wait for it here: otherwise steps coalesce into one request.
                    await eventuallyChanged(atLeast: notified + 1)
                    notified = publications
                }
            }
            if current == 100 { break }
        }
        #expect(seen.first == 0)
        #expect(Array(seen.dropFirst()) == [1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
        #expect(publications >= before + 11)
        monitor.stop()
    }

    @Test func downBackendBacksOff() async {
        let config = Self.config(interval: .seconds(1))
        prober.set("a", up: false)
        monitor.update(config)
        monitor.start()
        await loop.advanceTime(by: .seconds(120))
        // Without back-off: ~120 checks. With it (cap 8s): about 3 + 1 + 2 + 4 + 8… ≈ 20.
        #expect(prober.count("a") < 30)
        #expect(prober.count("a") > 10)
        monitor.stop()
    }

    @Test func reloadKeepsStateOfUnchangedBackends() async {
        let config = Self.config(backends: [("a", 100), ("b", 100)])
        prober.set("a", up: false)
        monitor.update(config)
        monitor.start()
        await loop.advanceTime(by: .seconds(5))
        #expect(status("a") == .down)
        #expect(status("b") == .up)
        // New weights, a removed backend and a new one: a and b keep their state.
        let next = Self.config(backends: [("a", 50), ("b", 70), ("c", 100)])
        monitor.update(next)
        #expect(status("a") == .down)
        #expect(status("b") == .up)
        #expect(status("c") == .unknown)
        #expect(weight(next, "b") == 70)
        let third = Self.config(backends: [("b", 70), ("c", 100)])
        monitor.update(third)
        let probesOfA = prober.count("a")
        await loop.advanceTime(by: .seconds(60))
        #expect(prober.count("a") == probesOfA)  // removed: no more checks
        #expect(status("a") == nil)
        #expect(status("c") == .up)
        monitor.stop()
    }

    /// Services of their own: an unchanged one keeps its state while another changes, and a
    /// removed service's backends are no longer checked.
    @Test func servicesComeAndGoWithoutDisturbingTheOthers() async {
        let web = Self.config(backends: [("a", 100)]).services[0]
        var api = Self.config(backends: [("x", 100)]).services[0]
        api = Service(id: "api", endpoint: .address(host: .ip(IPAddress("192.0.2.2")!), port: 80, protocol: .tcp), backends: api.backends.map {
            Backend(id: $0.id, address: IPAddress("10.0.1.1")!, port: 80, weight: $0.weight, pulse: $0.pulse)
        })
        prober.set("a", up: false)
        monitor.update(Config(services: [web, api]))
        monitor.start()
        await loop.advanceTime(by: .seconds(20))
        #expect(status("a") == .down)
        #expect(monitor.currentVerdicts()["api", "x"]?.status == .up)
        // api changes (a weight), web does not: web's backend keeps its state.
        var changed = api
        changed.backends[0].weight = 10
        monitor.update(Config(services: [web, changed]))
        #expect(status("a") == .down)
        #expect(monitor.currentVerdicts()["api", "x"]?.status == .up)
        // api leaves: its backend is forgotten and no longer probed; web goes on.
        monitor.update(Config(services: [web]))
        #expect(monitor.currentVerdicts()["api", "x"] == nil)
        let probesOfX = prober.count("x")
        let probesOfA = prober.count("a")
        await loop.advanceTime(by: .seconds(60))
        #expect(prober.count("x") == probesOfX)
        #expect(prober.count("a") > probesOfA)
        #expect(status("a") == .down)
        monitor.stop()
    }

    @Test func shorterIntervalTakesEffectAtOnce() async {
        monitor.update(Self.config(interval: .seconds(600)))
        monitor.start()
        await loop.advanceTime(by: .seconds(5))
        let before = prober.count("a")
        #expect(status("a") == .up)
        monitor.update(Self.config(interval: .seconds(2)))
        await loop.advanceTime(by: .seconds(5))
        #expect(prober.count("a") > before)
        #expect(status("a") == .up)  // state kept
        monitor.stop()
    }

    @Test func changedProbeStartsOver() async {
        let config = Self.config()
        prober.set("a", up: false)
        monitor.update(config)
        monitor.start()
        await loop.advanceTime(by: .seconds(5))
        #expect(status("a") == .down)
        monitor.update(Self.config(probe: .http(HTTPProbe())))
        #expect(status("a") == .unknown)
        monitor.stop()
    }

    /// `pulse: none` has nothing to wait for: up at once, never scheduled nor probed (at 100,000
    /// backends, "probing" them every interval was a third of the daemon's CPU). Switching to or
    /// from a real check works both ways.
    @Test func backendWithoutCheckIsUpAndNeverProbed() async {
        let config = Self.config(probe: .none)
        monitor.update(config)
        monitor.start()
        #expect(status("a") == .up)
        #expect(weight(config, "a") == 100)
        await loop.advanceTime(by: .seconds(60))
        #expect(prober.count("a") == 0)
        #expect(monitor.statistics(of: BackendKey(service: "web", backend: "a"))?.checks == 0)
        #expect(monitor.currentVerdicts()["web", "a"]?.upSince != nil)

        // A real check that fails takes it down; back to `none`, it is up again at once.
        prober.set("a", up: false)
        monitor.update(Self.config())
        #expect(status("a") == .unknown)
        await loop.advanceTime(by: .seconds(5))
        #expect(prober.count("a") >= 3)
        #expect(status("a") == .down)
        monitor.update(config)
        #expect(status("a") == .up)
        #expect(weight(config, "a") == 100)
        let probes = prober.count("a")
        await loop.advanceTime(by: .seconds(60))
        #expect(prober.count("a") == probes)
        monitor.stop()
    }

    /// A probe this host could not make (out of descriptors) is no result: the backend keeps its
    /// state and weight instead of going down with every other backend at once.
    @Test func probesThisHostCouldNotMakeCountForNothing() async {
        let config = Self.config()
        monitor.update(config)
        monitor.start()
        await loop.advanceTime(by: .seconds(30))
        #expect(status("a") == .up)
        prober.set("a", notMade: true)
        let before = prober.count("a")
        await loop.advanceTime(by: .seconds(60))
        #expect(prober.count("a") > before + 3)  // retried, not given up on
        #expect(status("a") == .up)
        #expect(weight(config, "a") == 100)
        // A real failure still counts.
        prober.set("a", notMade: false)
        prober.set("a", up: false)
        await loop.advanceTime(by: .seconds(20))
        #expect(status("a") == .down)
        monitor.stop()
    }

    /// No more probes in flight than the limit: the others wait their turn, and all run once
    /// the first ones finish.
    @Test func probesInFlightAreBounded() async {
        let hanging = HangingProber()
        let loop = self.loop
        let bounded = HealthMonitor(group: loop, prober: hanging, clock: { loop.now }, probeLimit: 16, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let config = Self.config(backends: (0..<50).map { ("b\($0)", 100) })
        bounded.update(config)
        bounded.start()
        await loop.advanceTime(by: .seconds(2))
        #expect(hanging.promises.withLock { $0.count } == 16)
        var finished = 0
        for _ in 0..<10 {
            finished += hanging.finishAll()
            await loop.advanceTime(by: .milliseconds(50))
        }
        finished += hanging.finishAll()
        #expect(finished >= 50)
        bounded.stop()
    }

    @Test func fallbackTakesOverBelowQuorum() async {
        let config = Self.config(quorum: 2, backends: [("a", 100), ("b", 100)], fallback: true)
        monitor.update(config)
        monitor.start()
        await loop.advanceTime(by: .seconds(5))
        #expect(weight(config, "sorry") == 0)
        #expect(standing(config)?.up == true)
        prober.set("b", up: false)
        await loop.advanceTime(by: .seconds(20))
        #expect(status("b") == .down)
        #expect(weight(config, "sorry") == 5)
        #expect(weight(config, "a") == 100)
        let service = standing(config)
        #expect(service?.healthy == 1)
        #expect(service?.total == 2)
        #expect(service?.up == false)
        #expect(prober.count("sorry") == 0)  // the sorry server is never probed
        #expect(monitor.currentVerdicts()["web", "sorry"]?.status == .unknown)
        monitor.stop()
    }

    @Test func verdictsAndStatisticsCarryTheMetrics() async {
        let config = Self.config(backends: [("a", 100), ("b", 0)])
        monitor.update(config)
        monitor.start()
        await loop.advanceTime(by: .seconds(61))
        let verdicts = monitor.currentVerdicts()
        #expect(Set(verdicts.backends.keys.map(\.backend)) == ["a", "b"])
        let a = verdicts["web", "a"]
        #expect(a?.status == .up)
        #expect(a?.type == "tcp")
        let uptime = a?.uptime(at: Self.wall(loop)) ?? 0
        #expect(uptime > 50 && uptime <= 61)
        let statistics = monitor.statistics(of: BackendKey(service: "web", backend: "a"))
        #expect(statistics?.health == 1)
        #expect((statistics?.consecutiveSuccesses ?? 0) >= 10)
        #expect(statistics?.lastLatency == .milliseconds(2))
        #expect(statistics?.lastCheckTime != nil)
        // The operator's weight 0 is draining, whatever the checks say.
        let b = BackendState(backend: config.services[0][backendID: "b"]!, fileWeight: 0, weight: 0, health: verdicts["web", "b"], kernel: nil)
        #expect(b.status == .draining)
        monitor.stop()
    }
}
