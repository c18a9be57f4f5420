// reconciler-bench: the reconciler's own costs, natively on the host (no kernel), over 1,000
// services x 10 backends = 11,000 objects, printed as ms and ns per object. Figures only, never a
// pass/fail. The kernel side is measured in the VM by scripts/bench-reconciler.
//
//   swift run -c release reconciler-bench [--services N] [--backends N] [--runs N] [--only CASE]
//
// `--only 10` (repeatable) measures just that case, to profile it (perf, callgrind).
//
// Cases: `Planner.plan` (pure) (1) against an identical actual table (the steady state: every
// resync; zero changes), (2) against an empty one (a cold start: 11,000 creates), (3) with one
// weight changed; (4) reading FakeIPVS's table + planning (a resync against the in-memory twin);
// the state directory's (5) save and (6) load of the ownership file; and the rest of a pass:
// (7) parsing + validating the file, (8) translating it into kernel objects, (9) a cold and (10)
// an in-sync `Reconciler.apply` against FakeIPVS with a real state directory.
import Addresses
import Foundation
import IPVS
import IPVSTesting
import Logging
import Reconciler
import Spec

#if canImport(Glibc)
import Glibc
#endif

var services = 1000
var backends = 10
var runs = 21
var only: Set<String> = []
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    if argument == "--only", let id = arguments.next() {
        only.insert(id)
        continue
    }
    guard let value = arguments.next().flatMap({ Int($0) }), value > 0 else {
        print("usage: reconciler-bench [--services N] [--backends N] [--runs N] [--only CASE]")
        exit(2)
    }
    switch argument {
    case "--services": services = value
    case "--backends": backends = value
    case "--runs": runs = value
    default:
        print("unknown option \(argument)")
        exit(2)
    }
}

/// 10.1.x.y:80 VIPs, 10.3.x.y:8080 backends, weights varying, one in ten services persistent.
@MainActor func makeDesired() -> DesiredState {
    var state = DesiredState()
    for s in 0..<services {
        let vip = IPAddress(ipv4: 0x0A01_0000 | UInt32(s + 1))
        let key = IPVSService.Key.socket(.tcp, vip, port: 80)
        let service = IPVSService(
            key: key,
            scheduler: s % 3 == 0 ? "wlc" : "wrr",
            flags: s % 10 == 0 ? .persistent : [],
            timeout: s % 10 == 0 ? 300 : 0
        )
        var destinations: [DesiredDestination] = []
        for b in 0..<backends {
            let address = IPAddress(ipv4: 0x0A03_0000 | UInt32(s * backends + b + 1))
            destinations.append(DesiredDestination(
                id: "be-\(b)",
                destination: IPVSDestination(address: address, port: 8080, weight: Int32(10 * (b + 1))),
                drain: .seconds(300)
            ))
        }
        state.services.append(DesiredService(id: "svc-\(s)", service: service, destinations: destinations))
    }
    return state
}

func actual(of desired: DesiredState) -> ActualState {
    ActualState(services: desired.services.map { wanted in
        ActualService(service: wanted.service, destinations: wanted.destinations.map { ActualDestination($0.destination) })
    })
}

func nanoseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
}

/// Runs `body` once to warm up, then `runs` times; returns (median, min) in nanoseconds.
@MainActor func measure(_ body: () -> Int) -> (median: Double, min: Double, result: Int) {
    let clock = ContinuousClock()
    var result = body()
    var times: [Double] = []
    for _ in 0..<runs {
        let start = clock.now
        result = body()
        times.append(nanoseconds(clock.now - start))
    }
    times.sort()
    return (times[times.count / 2], times[0], result)
}

let desired = makeDesired()
let objects = services * (backends + 1)
let now = WallTime(seconds: 1_800_000_000)
let planner = Planner()
let cold = planner.plan(desired: desired, actual: ActualState(), ownership: Ownership(), now: now)
let ownership = cold.ownership
let identical = actual(of: desired)
var oneWeight = desired
oneWeight.services[services / 2].destinations[0].destination.weight += 1

let fake = FakeIPVS()
do {
    let result = try fake.apply(cold.changes)
    if !result.failures.isEmpty {
        print("the fake refused \(result.failures.count) changes: \(result.failures[0])")
        exit(1)
    }
} catch {
    print("the fake failed: \(error)")
    exit(1)
}

print("reconciler-bench: \(services) services x \(backends) backends = \(objects) objects; \(runs) runs each after a warm-up, median (min)")
/// Measures and prints case `name` ("(N) what"), unless `--only` leaves it out.
@MainActor func report(_ name: String, steps: String, _ body: () -> Int) {
    let id = String(name.dropFirst().prefix { $0 != ")" })
    guard only.isEmpty || only.contains(id) else { return }
    let figures = measure(body)
    let perObject = figures.median / Double(objects)
    let label = name.padding(toLength: 62, withPad: " ", startingAt: 0)
    print("  \(label) \(String(format: "%8.2f", figures.median / 1e6)) ms (\(String(format: "%.2f", figures.min / 1e6)))  \(String(format: "%7.1f", perObject)) ns/object (\(String(format: "%.1f", figures.min / Double(objects))))  \(figures.result) \(steps)")
}
report("(1) vs an identical actual (steady state)", steps: "steps") {
    planner.plan(desired: desired, actual: identical, ownership: ownership, now: now).steps.count
}
report("(2) vs an empty actual (cold start)", steps: "steps") {
    planner.plan(desired: desired, actual: ActualState(), ownership: Ownership(), now: now).steps.count
}
report("(3) one weight changed", steps: "steps") {
    planner.plan(desired: oneWeight, actual: identical, ownership: ownership, now: now).steps.count
}
report("(4) resync vs FakeIPVS: read + plan", steps: "steps") {
    do {
        let read = try ActualState.read(from: fake)
        return planner.plan(desired: desired, actual: read, ownership: ownership, now: now).steps.count
    } catch {
        return -1
    }
}

// The state directory: every pass loads the ownership file and saves it again (atomic write).
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reconciler-bench-\(getpid())").path
let store = StateStore(directory: directory)
defer { try? FileManager.default.removeItem(atPath: directory) }
report("(5) StateStore.saveOwnership (JSON + fsync)", steps: "services") {
    do {
        try store.saveOwnership(ownership)
        return ownership.services.count
    } catch {
        return -1
    }
}
report("(6) StateStore.loadOwnership, first read (JSON)", steps: "services") {
    // A new store has an empty cache: this is the decode a restart (or a changed file) costs.
    (try? StateStore(directory: directory).loadOwnership())?.services.count ?? -1
}
report("(6b) StateStore.loadOwnership, unchanged file (stat)", steps: "services") {
    (try? store.loadOwnership())?.services.count ?? -1
}

// A whole pass, as the daemon and `apply` run it, against FakeIPVS: the same file shape as
// scripts/bench-reconciler generates (VIP 10.1.x.y:80 wrr, backends 10.3.x.y:8080 NAT).
func ip(_ prefix: Int, _ n: Int) -> String { "10.\(prefix).\(n >> 8 & 255).\(n & 255)" }
var yaml = "services:\n"
for s in 0..<services {
    yaml += "  svc-\(s):\n    host: \(ip(1, s + 1))\n    port: 80\n    method: wrr\n    backends:\n"
    for b in 0..<backends {
        yaml += "      be-\(b): {host: \(ip(3, s * backends + b + 1)), port: 8080, weight: \(10 * (b + 1))}\n"
    }
}
let bytes = Array(yaml.utf8)
let config: Config
do {
    config = try Config.parse(bytes: bytes, file: "bench.yaml")
} catch {
    print("the generated file does not validate: \(error)")
    exit(1)
}
report("(7) Config.parse, \(bytes.count) bytes (parse+decode+validate)", steps: "services") {
    (try? Config.parse(bytes: bytes, file: "bench.yaml"))?.services.count ?? -1
}
report("(8) DesiredState.from(config)", steps: "services") {
    DesiredState.from(config, interfaces: StaticInterfaces([:])).state.services.count
}
let passKernel = FakeIPVS()
let passStore = StateStore(directory: directory + "-pass")
defer { try? FileManager.default.removeItem(atPath: directory + "-pass") }
let reconciler = Reconciler(ipvs: passKernel, interfaces: StaticInterfaces([:]), store: passStore, logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
report("(9) Reconciler.apply, cold, fake kernel (plan + apply + save)", steps: "applied") {
    passKernel.reset()
    try? FileManager.default.removeItem(atPath: passStore.ownershipPath)
    return (try? reconciler.apply(config))?.applied ?? -1
}
report("(10) Reconciler.apply, in sync, fake (load+read+plan)", steps: "steps") {
    (try? reconciler.apply(config))?.planned.count ?? -1
}
