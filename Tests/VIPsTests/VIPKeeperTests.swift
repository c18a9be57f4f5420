import Addresses
import Foundation
import IPVSTesting
import Logging
import Publishing
import Reconciler
import RouteNetlink
import Spec
import Testing
import VIPs

/// The keeper against an in-memory address table: ownership across restarts, adoption, drift,
/// cleanup, and failures that are reported without touching IPVS.
@Suite struct VIPKeeperTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let a = IPAddress("192.0.2.10")!
    let b = IPAddress("192.0.2.11")!
    let c = IPAddress("2001:db8::12")!

    static func config(_ services: String, interface: String? = "vip0") throws -> ValidatedFile {
        let settings = interface.map { "settings: {vips: {interface: \($0)}}\n" } ?? ""
        return try ValidatedFile.parse(bytes: Array((settings + "services:\n" + services).utf8), file: "gorb.yaml")
    }

    static let three = """
          web: {host: 192.0.2.10, port: 80, backends: {a: {host: 10.0.0.1}}}
          tls: {host: 192.0.2.10, port: 443, backends: {a: {host: 10.0.0.1}}}
          dns: {host: 192.0.2.11, port: 53, protocol: udp, backends: {a: {host: 10.0.0.1}}}
          six: {host: "2001:db8::12", port: 80, backends: {a: {host: "2001:db8::1"}}}
          mark: {fwmark: 7, backends: {a: {host: 10.0.0.1}}}

        """

    /// A controller over a fake IPVS, for its published state.
    func controller(_ file: ValidatedFile, directory: String) -> Controller {
        let reconciler = Reconciler(ipvs: FakeIPVS(), interfaces: StaticInterfaces([:]), store: StateStore(directory: directory), logger: logger)
        return Controller(reconciler: reconciler, initial: file, loadFile: { () throws(ConfigErrors) -> ValidatedFile in file }, logger: logger)
    }

    func directory() -> String { NSTemporaryDirectory() + "gorb-vips-\(UUID().uuidString)" }

    func keeper(_ table: MemoryAddressTable, _ directory: String, _ file: ValidatedFile) -> VIPKeeper {
        VIPKeeper(table: table, store: VIPOwnershipStore(directory: directory), source: controller(file, directory: directory).state, logger: logger)
    }

    @Test func addsEachVIPOnceAndPublishesWhatIsPresent() async throws {
        let table = MemoryAddressTable(interfaces: ["vip0": 5])
        let dir = directory()
        let file = try Self.config(Self.three)
        let state = await keeper(table, dir, file).sync(file.config)
        #expect(Set(table.entries) == [.host(a, on: 5), .host(b, on: 5), .host(c, on: 5)])
        #expect(state.present == [a, b, c])
        #expect(state.error == nil)
        #expect(state.vip(a)?.services == ["web", "tls"])
        #expect(state.vip(a)?.ownership == "owned")
        #expect(try VIPOwnershipStore(directory: dir).load()["vip0"] == [a, b, c])
    }

    @Test func restartChangesNothing() async throws {
        let table = MemoryAddressTable(interfaces: ["vip0": 5])
        let dir = directory()
        let file = try Self.config(Self.three)
        await keeper(table, dir, file).sync(file.config)
        let before = table.changes
        // A new daemon over the same state directory: the addresses are found owned.
        let state = await keeper(table, dir, file).sync(file.config)
        #expect(table.changes == before)
        #expect(state.vips.allSatisfy { $0.owned && $0.present })
    }

    @Test func adoptedAddressStaysWhenItsServiceGoes() async throws {
        let table = MemoryAddressTable(interfaces: ["vip0": 5])
        try table.add(InterfaceAddress(interfaceIndex: 5, address: a, prefixLength: 24))
        let dir = directory()
        let file = try Self.config(Self.three)
        let keeper = keeper(table, dir, file)
        let state = await keeper.sync(file.config)
        #expect(state.vip(a)?.ownership == "adopted")
        #expect(table.entries.count == 3)
        // Every service removed: the owned ones go, the adopted one stays.
        let empty = try Self.config("  {}\n")
        let after = await keeper.sync(empty.config)
        #expect(table.entries == [InterfaceAddress(interfaceIndex: 5, address: a, prefixLength: 24)])
        #expect(after.removed == 2)
        #expect(try VIPOwnershipStore(directory: dir).load().interfaces.isEmpty)
    }

    @Test func driftIsRepairedAtTheNextSync() async throws {
        let table = MemoryAddressTable(interfaces: ["vip0": 5])
        let dir = directory()
        let file = try Self.config(Self.three)
        let keeper = keeper(table, dir, file)
        await keeper.sync(file.config)
        try table.remove(.host(b, on: 5)) // someone ran `ip addr del`
        let state = await keeper.sync(file.config)
        #expect(table.entries.contains(.host(b, on: 5)))
        #expect(state.vip(b)?.owned == true)
    }

    @Test func missingInterfaceIsReportedAndRetried() async throws {
        let table = MemoryAddressTable()
        let dir = directory()
        let file = try Self.config(Self.three)
        let keeper = keeper(table, dir, file)
        let state = await keeper.sync(file.config)
        #expect(state.error?.contains("no interface named 'vip0'") == true)
        #expect(state.present.isEmpty)
        #expect(state.vips.count == 3 && state.vips.allSatisfy { $0.error != nil && !$0.present })
        #expect(state.failures == 1)
        table.addInterface("vip0", index: 9)
        let fixed = await keeper.sync(file.config)
        #expect(fixed.error == nil)
        #expect(fixed.present == [a, b, c])
    }

    @Test func permissionErrorKeepsOwnershipAndIsShown() async throws {
        let table = MemoryAddressTable(interfaces: ["vip0": 5])
        table.failEveryCall(with: .permissionDenied(operation: "add 192.0.2.10/32"))
        let dir = directory()
        let file = try Self.config(Self.three)
        let state = await keeper(table, dir, file).sync(file.config)
        #expect(state.error?.contains("permission denied") == true)
        #expect(table.entries.isEmpty)
    }

    @Test func cleanupRemovesOwnedOnly() async throws {
        let table = MemoryAddressTable(interfaces: ["vip0": 5])
        let adopted = InterfaceAddress(interfaceIndex: 5, address: a, prefixLength: 32)
        try table.add(adopted)
        let dir = directory()
        let file = try Self.config(Self.three)
        let keeper = keeper(table, dir, file)
        await keeper.sync(file.config)
        #expect(try await keeper.removeOwned() == 2)
        #expect(table.entries == [adopted])
    }

    @Test func changedInterfaceReleasesTheOldOne() async throws {
        let table = MemoryAddressTable(interfaces: ["vip0": 5, "vip1": 6])
        let dir = directory()
        let first = try Self.config(Self.three)
        let keeper = keeper(table, dir, first)
        await keeper.sync(first.config)
        let moved = try Self.config(Self.three, interface: "vip1")
        let state = await keeper.sync(moved.config)
        #expect(Set(table.entries) == [.host(a, on: 6), .host(b, on: 6), .host(c, on: 6)])
        #expect(state.interface == "vip1")
        #expect(try VIPOwnershipStore(directory: dir).load().interfaces.keys.sorted() == ["vip1"])
    }

    @Test func withoutSettingsNothingIsTouched() async throws {
        let table = MemoryAddressTable(interfaces: ["vip0": 5])
        let file = try Self.config(Self.three, interface: nil)
        let state = await keeper(table, directory(), file).sync(file.config)
        #expect(!state.isConfigured)
        #expect(table.changes == 0)
    }

    /// The keeper follows the controller's published state; a missing interface does not keep
    /// the loop from reconciling IPVS.
    @Test func followsThePublishedStateWithoutHoldingUpIPVS() async throws {
        let table = MemoryAddressTable()
        let dir = directory()
        let file = try Self.config(Self.three)
        let ipvs = FakeIPVS()
        let reconciler = Reconciler(ipvs: ipvs, interfaces: StaticInterfaces([:]), store: StateStore(directory: dir), logger: logger)
        let controller = Controller(reconciler: reconciler, initial: file, loadFile: { () throws(ConfigErrors) -> ValidatedFile in file }, logger: logger)
        let keeper = VIPKeeper(table: table, store: VIPOwnershipStore(directory: dir), source: controller.state, logger: logger)
        let loop = Task { await controller.run() }
        let follower = Task { try await keeper.run() }
        defer { loop.cancel(); follower.cancel() }
        var reconciled = false
        for _ in 0..<500 where !reconciled {
            reconciled = try ipvs.services().count == 5 && keeper.state.current.error != nil
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(reconciled)
        table.addInterface("vip0", index: 2)
        await controller.trigger(.resync)
        var present = false
        for _ in 0..<500 where !present {
            present = keeper.state.current.present == [a, b, c]
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(present)
    }
}
