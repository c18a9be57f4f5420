import Addresses
import Foundation
import IPVS
import IPVSTesting
import Publishing
import Reconciler
import Spec
import Synchronization
import Testing

/// A pass started by a change plans and reads only what changed; the resync reads everything.
@Suite struct ChangesOnlyPassTests {
    /// FakeIPVS, counting the reads a pass makes.
    final class CountingIPVS: IPVS {
        let inner = FakeIPVS()
        let counts = Mutex<(dumps: Int, serviceReads: [IPVSService.Key], destinationReads: [IPVSService.Key])>((0, [], []))

        func info() throws(IPVSError) -> IPVSInfo { try inner.info() }
        func services() throws(IPVSError) -> [IPVSService] {
            counts.withLock { $0.dumps += 1 }
            return try inner.services()
        }
        func service(_ key: IPVSService.Key) throws(IPVSError) -> IPVSService {
            counts.withLock { $0.serviceReads.append(key) }
            return try inner.service(key)
        }
        func destinations(of service: IPVSService.Key) throws(IPVSError) -> [IPVSDestination] {
            counts.withLock { $0.destinationReads.append(service) }
            return try inner.destinations(of: service)
        }
        func timeouts() throws(IPVSError) -> IPVSTimeouts { try inner.timeouts() }
        func apply(_ changes: [IPVSChange]) throws(IPVSError) -> IPVSBatchResult { try inner.apply(changes) }
        func reset() { counts.withLock { $0 = (0, [], []) } }
    }

    typealias FileBox = ControllerTests.FileBox

    static let before = """
        services:
          a: {host: 192.0.2.1, port: 80, backends: {a1: {host: 10.0.0.1, weight: 10}}}
          b: {host: 192.0.2.2, port: 80, backends: {b1: {host: 10.0.0.2, weight: 20}, b2: {host: 10.0.0.3, weight: 30}}}
          c: {host: 192.0.2.3, port: 80, backends: {c1: {host: 10.0.0.4}}}

        """
    /// b1's weight changes, c leaves, d arrives; a is untouched.
    static let after = """
        services:
          a: {host: 192.0.2.1, port: 80, backends: {a1: {host: 10.0.0.1, weight: 10}}}
          b: {host: 192.0.2.2, port: 80, backends: {b1: {host: 10.0.0.2, weight: 25}, b2: {host: 10.0.0.3, weight: 30}}}
          d: {host: 192.0.2.4, port: 80, backends: {d1: {host: 10.0.0.5}}}

        """

    static func key(_ vip: String) -> IPVSService.Key { .socket(.tcp, IPAddress(vip)!, port: 80) }

    func makeController(_ file: FileBox, _ ipvs: CountingIPVS) throws -> Controller {
        let store = StateStore(directory: NSTemporaryDirectory() + "gorb-changes-\(UUID().uuidString)")
        let reconciler = Reconciler(ipvs: ipvs, interfaces: StaticInterfaces([:]), store: store, logger: quietLogger)
        return Controller(reconciler: reconciler, initial: try file.load(), loadFile: { () throws(ConfigErrors) -> ValidatedFile in try file.load() }, logger: quietLogger)
    }

    @Test func aReloadReadsAndChangesOnlyWhatChanged() async throws {
        let file = FileBox(Self.before)
        let ipvs = CountingIPVS()
        let controller = try makeController(file, ipvs)
        #expect(await controller.runPass(changesOnly: true))  // no baseline yet: a full pass
        #expect(ipvs.counts.withLock { $0.dumps } == 1)
        // Drift in the untouched service: only the resync may see it.
        try ipvs.inner.updateDestination(IPVSDestination(address: IPAddress("10.0.0.1")!, port: 80, weight: 99), in: Self.key("192.0.2.1"))
        ipvs.reset()

        file.set(Self.after)
        #expect(await controller.reload())
        #expect(await controller.runPass(changesOnly: true))
        let counts = ipvs.counts.withLock { $0 }
        #expect(counts.dumps == 0)
        // Each touched key once (d is new: absent, so no destination dump), a never.
        #expect(Set(counts.serviceReads) == [Self.key("192.0.2.2"), Self.key("192.0.2.3"), Self.key("192.0.2.4")])
        #expect(counts.serviceReads.count == 3)
        #expect(Set(counts.destinationReads) == [Self.key("192.0.2.2"), Self.key("192.0.2.3")])
        let report = try #require(await controller.status.lastPass)
        #expect(report.applied == 4)  // b1's weight; c deleted; d and d1 created

        let table = try ipvs.inner.table()
        #expect(Set(table.keys.map(\.key)) == [Self.key("192.0.2.1"), Self.key("192.0.2.2"), Self.key("192.0.2.4")])
        #expect(try ipvs.inner.destinations(of: Self.key("192.0.2.2")).first { $0.address == IPAddress("10.0.0.2")! }?.weight == 25)
        #expect(try ipvs.inner.destinations(of: Self.key("192.0.2.1")).first?.weight == 99)  // drift left to the resync

        // What the pass published: b re-read, a as the first pass left it, c gone.
        let state = controller.state.current
        #expect(state.service("b")?.backends.first { $0.id == "b1" }?.kernelWeight == 25)
        #expect(state.service("a")?.backends.first?.kernelWeight == 10)
        #expect(state.service("d")?.kernel != nil)

        // The resync reads everything and repairs the drift.
        #expect(await controller.runPass(repairing: true))
        #expect(try ipvs.inner.destinations(of: Self.key("192.0.2.1")).first?.weight == 10)
    }

    @Test func anUnchangedReloadTouchesNothing() async throws {
        let file = FileBox(Self.before)
        let ipvs = CountingIPVS()
        let controller = try makeController(file, ipvs)
        #expect(await controller.runPass())
        ipvs.reset()
        #expect(await controller.reload())
        #expect(await controller.runPass(changesOnly: true))
        let counts = ipvs.counts.withLock { $0 }
        #expect(counts.dumps == 0 && counts.serviceReads.isEmpty && counts.destinationReads.isEmpty)
        #expect(controller.state.current.service("c")?.kernel != nil)
    }

    @Test func changedSettingsNeedAFullPass() throws {
        let before = try ValidatedFile.parse(bytes: Array(Self.before.utf8), file: "gorb.yaml").config
        var after = before
        #expect(ConfigChanges(from: before, to: after).isEmpty)
        after.settings.prune = .all
        #expect(ConfigChanges(from: before, to: after).settingsChanged)
        after = before
        after.services.removeLast()
        let changes = ConfigChanges(from: before, to: after)
        #expect(changes.changed.isEmpty && changes.replaced.map(\.id) == ["c"] && changes.ids == ["c"])
    }
}
