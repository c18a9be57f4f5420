import Addresses
import Foundation
import IPVS
import IPVSTesting
import Logging
import Reconciler
import Spec
import Testing

/// Whole passes against the in-memory kernel: idempotence, restarts, drift repair, ownership,
/// reloads. The fake passes the same conformance suite as the real kernel, so these hold there too
/// (and the VM tests check the headline ones on the real kernel).
@Suite struct ReconcilerLoopTests {
    static let yaml = """
        settings: {interface: eth0}
        services:
          web:
            host: 192.0.2.10
            port: 80
            method: wrr
            backends:
              a: {host: 10.0.0.1, port: 8080}
              b: {host: 10.0.0.2, port: 8080, weight: 50}
          dns:
            port: 53
            protocol: udp
            backends:
              ns: {host: 10.0.0.53}
        """

    struct Fixture {
        let ipvs = FakeIPVS()
        let directory: String
        var clock = WallTime(seconds: 1_000_000)

        init() {
            directory = NSTemporaryDirectory() + "gorb-test-\(UUID().uuidString)"
        }

        func reconciler(interfaces: [String: IPAddress] = ["eth0": IPAddress("192.0.2.1")!]) -> Reconciler {
            let now = clock
            return Reconciler(ipvs: ipvs, interfaces: StaticInterfaces(interfaces), store: StateStore(directory: directory), logger: quietLogger, now: { now })
        }

        func ipvsadm() throws -> [String] {
            var lines: [String] = []
            for service in try ipvs.services().sorted(by: { $0.key < $1.key }) {
                lines.append(service.ipvsadmSaveLine)
                for destination in try ipvs.destinations(of: service.key).sorted(by: { $0.key < $1.key }) {
                    lines.append(destination.ipvsadmSaveLine(service: service.key))
                }
            }
            return lines
        }
    }

    static func config(_ text: String = yaml) throws -> Config {
        try Config.parse(bytes: Array(text.utf8), file: "test.yaml")
    }

    @Test func coldApplyThenNothing() throws {
        let fixture = Fixture()
        let first = try fixture.reconciler().apply(Self.config())
        #expect(first.applied == 5)
        #expect(first.succeeded)
        #expect(try fixture.ipvsadm() == [
            "-A -u 192.0.2.1:53 -s wrr",
            "-a -u 192.0.2.1:53 -r 10.0.0.53:53 -m -w 100",
            "-A -t 192.0.2.10:80 -s wrr",
            "-a -t 192.0.2.10:80 -r 10.0.0.1:8080 -m -w 100",
            "-a -t 192.0.2.10:80 -r 10.0.0.2:8080 -m -w 50",
        ])
        let second = try fixture.reconciler().apply(Self.config())
        #expect(second.planned.isEmpty)
    }

    @Test func restartOverAMatchingKernelChangesNothing() throws {
        let fixture = Fixture()
        _ = try fixture.reconciler().apply(Self.config())
        // A new process: new reconciler, same kernel, same state directory.
        let restarted = Reconciler(ipvs: fixture.ipvs, interfaces: StaticInterfaces(["eth0": IPAddress("192.0.2.1")!]), store: StateStore(directory: fixture.directory), logger: quietLogger)
        #expect(try restarted.plan(Self.config()).plan.isEmpty)
    }

    @Test func driftIsRepaired() throws {
        let fixture = Fixture()
        _ = try fixture.reconciler().apply(Self.config())
        let web = IPVSService.Key.tcp(IPAddress("192.0.2.10")!, 80)
        // Someone runs ipvsadm by hand: deletes a backend, edits a weight, changes the scheduler.
        try fixture.ipvs.removeDestination(IPVSDestination.Key(address: IPAddress("10.0.0.1")!, port: 8080), from: web)
        try fixture.ipvs.updateDestination(IPVSDestination(address: IPAddress("10.0.0.2")!, port: 8080, weight: 7), in: web)
        try fixture.ipvs.updateService(IPVSService(key: web, scheduler: "rr"))
        let repair = try fixture.reconciler().apply(Self.config())
        #expect(repair.applied == 3)
        #expect(repair.planned.map(\.kind) == [.update, .create, .update])
        #expect(try fixture.reconciler().plan(Self.config()).plan.isEmpty)
    }

    @Test func handMadeServicesAreNeverTouched() throws {
        let fixture = Fixture()
        let ssh = IPVSService(key: .tcp(IPAddress("198.51.100.1")!, 22), scheduler: "rr")
        try fixture.ipvs.addService(ssh)
        _ = try fixture.reconciler().apply(Self.config())
        _ = try fixture.reconciler().apply(Self.config("services: {}\n"))
        #expect(try fixture.ipvsadm() == ["-A -t 198.51.100.1:22 -s rr"])
    }

    @Test func pruneAllOwnsTheWholeTable() throws {
        let fixture = Fixture()
        try fixture.ipvs.addService(IPVSService(key: .tcp(IPAddress("198.51.100.1")!, 22), scheduler: "rr"))
        _ = try fixture.reconciler().apply(Self.config("settings: {prune: all}\nservices: {}\n"))
        #expect(try fixture.ipvsadm().isEmpty)
    }

    @Test func removedServiceIsDeleted() throws {
        let fixture = Fixture()
        _ = try fixture.reconciler().apply(Self.config())
        let report = try fixture.reconciler().apply(Self.config("settings: {interface: eth0}\nservices:\n  web: {host: 192.0.2.10, port: 80, backends: {a: {host: 10.0.0.1, port: 8080}, b: {host: 10.0.0.2, port: 8080, weight: 50}}}\n"))
        #expect(report.planned.map(\.change) == [.removeService(.udp(IPAddress("192.0.2.1")!, 53))])
    }

    @Test func missingInterfaceHoldsTheServiceInsteadOfDeletingIt() throws {
        let fixture = Fixture()
        _ = try fixture.reconciler().apply(Self.config())
        let report = try fixture.reconciler(interfaces: [:]).apply(Self.config())
        #expect(report.planned.isEmpty)
        #expect(report.failures.map(\.subject) == ["dns"])
        #expect(try fixture.ipvsadm().count == 5)
    }

    @Test func kernelRefusalIsReportedAndTheRestApplied() throws {
        let fixture = Fixture()
        let bad = "services:\n  a: {host: 192.0.2.1, port: 80, method: twos, backends: {x: {host: 10.0.0.1}}}\n  b: {host: 192.0.2.2, port: 80}\n"
        let limited = Reconciler(ipvs: FakeIPVS(schedulers: ["wrr"]), interfaces: StaticInterfaces([:]), store: StateStore(directory: fixture.directory), logger: quietLogger)
        let report = try limited.apply(Self.config(bad))
        #expect(report.applied == 1)
        #expect(report.failures.count == 2)
        #expect(report.failures[0].message.contains("ip_vs_twos"))
    }

    @Test func ownershipSurvivesInTheStateDirectory() throws {
        let fixture = Fixture()
        _ = try fixture.reconciler().apply(Self.config())
        let ownership = try StateStore(directory: fixture.directory).loadOwnership()
        #expect(ownership.services.count == 2)
        #expect(ownership.services[.tcp(IPAddress("192.0.2.10")!, 80)]?.id == "web")
        #expect(ownership.services[.tcp(IPAddress("192.0.2.10")!, 80)]?.destinations.count == 2)
    }

    @Test func anInSyncPassDoesNotRewriteTheStateFile() throws {
        let fixture = Fixture()
        _ = try fixture.reconciler().apply(Self.config())
        let path = fixture.directory + "/ownership.json"
        // Every save writes a new file and renames it over the old one: a new inode.
        func inode() throws -> Int? { try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int }
        let saved = try inode()
        #expect(saved != nil)
        #expect(try fixture.reconciler().apply(Self.config()).planned.isEmpty)
        #expect(try inode() == saved)
        // A pass that changes ownership still saves it.
        _ = try fixture.reconciler().apply(Self.config(Self.yaml.replacingOccurrences(of: "weight: 50", with: "weight: 50}\n      c: {host: 10.0.0.3, port: 8080")))
        #expect(try inode() != saved)
        #expect(try StateStore(directory: fixture.directory).loadOwnership().services[.tcp(IPAddress("192.0.2.10")!, 80)]?.destinations.count == 3)
    }

    @Test func aStrayTemporaryFileDoesNotCorruptState() throws {
        let fixture = Fixture()
        _ = try fixture.reconciler().apply(Self.config())
        // A crash mid-write leaves a temporary file; the real file is intact.
        try "{ torn".write(toFile: fixture.directory + "/ownership.json.tmp-12345", atomically: false, encoding: .utf8)
        #expect(try StateStore(directory: fixture.directory).loadOwnership().services.count == 2)
    }

    @Test func corruptStateIsAClearError() throws {
        let fixture = Fixture()
        try FileManager.default.createDirectory(atPath: fixture.directory, withIntermediateDirectories: true)
        try "{ not json".write(toFile: fixture.directory + "/ownership.json", atomically: true, encoding: .utf8)
        #expect(throws: ReconcileError.self) { try fixture.reconciler().apply(Self.config()) }
    }

    @Test func flushAllClearsEverythingAndOwnership() throws {
        let fixture = Fixture()
        try fixture.ipvs.addService(IPVSService(key: .tcp(IPAddress("198.51.100.1")!, 22), scheduler: "rr"))
        _ = try fixture.reconciler().apply(Self.config())
        try fixture.reconciler().flushAll()
        #expect(try fixture.ipvsadm().isEmpty)
        #expect(try StateStore(directory: fixture.directory).loadOwnership().services.isEmpty)
    }

    @Test func cleanupRemovesOnlyOwned() throws {
        let fixture = Fixture()
        try fixture.ipvs.addService(IPVSService(key: .tcp(IPAddress("198.51.100.1")!, 22), scheduler: "rr"))
        _ = try fixture.reconciler().apply(Self.config())
        #expect(try fixture.reconciler().removeOwned() == 2)
        #expect(try fixture.ipvsadm() == ["-A -t 198.51.100.1:22 -s rr"])
    }
}

extension ReconcilerLoopTests {
    /// The daemon caches ownership between passes, but a change made on disk by another process
    /// (a `gorb-reconcile apply` beside it) is still seen.
    @Test func ownershipCacheSeesChangesMadeByAnotherProcess() throws {
        let fixture = Fixture()
        let store = StateStore(directory: fixture.directory)
        let web = IPVSService.Key.tcp(IPAddress("192.0.2.10")!, 80)
        try store.saveOwnership(Ownership(services: [web: OwnedService(id: "web")]))
        #expect(try store.loadOwnership().services[web]?.id == "web")
        // Another process (another StateStore, no shared cache) rewrites the file.
        try StateStore(directory: fixture.directory).saveOwnership(Ownership(services: [web: OwnedService(id: "renamed")]))
        #expect(try store.loadOwnership().services[web]?.id == "renamed")
        try FileManager.default.removeItem(atPath: store.ownershipPath)
        #expect(try store.loadOwnership().services.isEmpty)
    }
}

extension ReconcilerLoopTests {
    /// The ownership file is written by hand: every kind of key and record must read back the same,
    /// and any id (quotes, backslashes, control characters, non-ASCII) must keep the file valid JSON.
    @Test func ownershipFileRoundTrips() throws {
        let fixture = Fixture()
        let v4 = IPVSService.Key.tcp(IPAddress("192.0.2.10")!, 80)
        let v6 = IPVSService.Key.socket(.udp, IPAddress("2001:db8::53")!, port: 53)
        let mark = IPVSService.Key.firewallMark(17, family: .ipv6)
        let sctp = IPVSService.Key.socket(.sctp, IPAddress("192.0.2.11")!, port: 3868)
        var web = OwnedService(id: "web")
        web.destinations[IPVSDestination.Key(address: IPAddress("10.0.0.1")!, port: 8080)] = OwnedDestination(id: "a", drain: .seconds(300))
        web.destinations[IPVSDestination.Key(address: IPAddress("10.0.0.2")!, port: 8080)] =
            OwnedDestination(id: "b\"\\\n\t\u{1}é", drain: .milliseconds(1500), drainDeadline: WallTime(seconds: 1_800_000_123.25))
        var dns = OwnedService(id: "dns")
        dns.destinations[IPVSDestination.Key(address: IPAddress("2001:db8::1")!, port: 53)] = OwnedDestination(id: "ns1", drain: .zero)
        let ownership = Ownership(services: [v4: web, v6: dns, mark: OwnedService(id: "marked"), sctp: OwnedService(id: "diameter")])
        try StateStore(directory: fixture.directory).saveOwnership(ownership)
        // A new store: no cache, the file itself is read.
        #expect(try StateStore(directory: fixture.directory).loadOwnership() == ownership)
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture.directory + "/ownership.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["version"] as? Int == 1)
        #expect((json["services"] as? [Any])?.count == 4)
        // And an empty table.
        try StateStore(directory: fixture.directory).saveOwnership(Ownership())
        #expect(try StateStore(directory: fixture.directory).loadOwnership() == Ownership())
    }
}
