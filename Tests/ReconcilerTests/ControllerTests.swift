import Checks
import Foundation
import IPVS
import IPVSTesting
import Logging
import Publishing
import Reconciler
import Spec
import Synchronization
import Testing

/// The daemon loop: start-up pass, reload keeping the last good config, coalescing, resync.
@Suite struct ControllerTests {
    /// A config "file" the test can rewrite.
    final class FileBox: @unchecked Sendable {
        private let lock = NSLock()
        private var text: String
        init(_ text: String) { self.text = text }
        func set(_ text: String) { lock.withLock { self.text = text } }
        func load() throws(ConfigErrors) -> ValidatedFile {
            let current = lock.withLock { text }
            return try ValidatedFile.parse(bytes: Array(current.utf8), file: "gorb.yaml")
        }
    }

    static let one = "services:\n  web: {host: 192.0.2.10, port: 80, backends: {a: {host: 10.0.0.1}}}\n"
    static let two = "services:\n  web: {host: 192.0.2.10, port: 80, method: rr, backends: {a: {host: 10.0.0.1}, b: {host: 10.0.0.2}}}\n"

    func makeController(_ file: FileBox, ipvs: FakeIPVS, resync: Duration = .seconds(3600)) throws -> Controller {
        let reconciler = Reconciler(ipvs: ipvs, interfaces: StaticInterfaces([:]), store: StateStore(directory: NSTemporaryDirectory() + "gorb-ctl-\(UUID().uuidString)"), logger: quietLogger)
        return Controller(reconciler: reconciler, initial: try file.load(), loadFile: { () throws(ConfigErrors) -> ValidatedFile in try file.load() }, resync: resync, logger: quietLogger)
    }

    /// Polls `condition` for up to 5 seconds (the loop runs on its own task).
    func eventually(_ condition: () throws -> Bool) async throws -> Bool {
        for _ in 0..<500 {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test func startsWithAPassAndReloadsOnTrigger() async throws {
        let file = FileBox(Self.one)
        let ipvs = FakeIPVS()
        let controller = try makeController(file, ipvs: ipvs)
        let loop = Task { await controller.run() }
        defer { loop.cancel() }
        #expect(try await eventually { try ipvs.table().values.first?.count == 1 })
        file.set(Self.two)
        await controller.trigger(.reload)
        #expect(try await eventually { try ipvs.table().values.first?.count == 2 })
        #expect(try ipvs.services().first?.scheduler == "rr")
    }

    @Test func invalidReloadChangesNothing() async throws {
        let file = FileBox(Self.one)
        let ipvs = FakeIPVS()
        let controller = try makeController(file, ipvs: ipvs)
        #expect(await controller.runPass())
        file.set("services:\n  web: {host: 192.0.2.10, port: 99999}\n")
        #expect(await controller.reload() == false)
        let status = await controller.status
        #expect(!status.lastReloadSucceeded)
        #expect(status.configErrors.first?.hasPrefix("gorb.yaml:2:") == true)
        // Readers of the published state see the rejection at once: no pass follows it.
        let published = controller.state.current.status
        #expect(!published.lastReloadSucceeded && published.reloadFailures == 1)
        #expect(await controller.runPass())
        #expect(try ipvs.table().values.first?.count == 1)
        #expect(await controller.currentConfig.services.count == 1)
    }

    @Test func resyncRepairsDriftWithoutATrigger() async throws {
        let file = FileBox(Self.one)
        let ipvs = FakeIPVS()
        let controller = try makeController(file, ipvs: ipvs, resync: .milliseconds(50))
        let loop = Task { await controller.run() }
        defer { loop.cancel() }
        #expect(try await eventually { try ipvs.services().count == 1 })
        try ipvs.flush()
        #expect(try await eventually { try ipvs.services().count == 1 })
    }

    @Test func triggersDuringAPassCoalesce() async throws {
        let file = FileBox(Self.one)
        let ipvs = FakeIPVS()
        let controller = try makeController(file, ipvs: ipvs)
        for _ in 0..<100 { await controller.trigger(.change) }
        let loop = Task { await controller.run() }
        defer { loop.cancel() }
        #expect(try await eventually { try ipvs.services().count == 1 })
        try await Task.sleep(for: .milliseconds(100))
        // 100 triggers before the loop started: one pass, not a hundred.
        #expect(await controller.status.passes == 1)
    }

    @Test func cancellationStopsTheLoopAndLeavesTheKernel() async throws {
        let file = FileBox(Self.one)
        let ipvs = FakeIPVS()
        let controller = try makeController(file, ipvs: ipvs)
        let loop = Task { await controller.run() }
        #expect(try await eventually { try ipvs.services().count == 1 })
        loop.cancel()
        await loop.value
        #expect(try ipvs.services().count == 1)
    }
}

extension ControllerTests {
    /// Health reaches the kernel as a published input composed with the desired weights: one
    /// verdict change costs one updateDestination, and the checks follow the desired config
    /// through the controller's `desired` publication.
    @Test func healthVerdictsDriveKernelWeights() async throws {
        let file = FileBox(Self.one)
        let ipvs = FakeIPVS()
        let health = LatestValue(HealthVerdicts())
        let reconciler = Reconciler(ipvs: ipvs, interfaces: StaticInterfaces([:]), store: StateStore(directory: NSTemporaryDirectory() + "gorb-ctl-\(UUID().uuidString)"), logger: quietLogger)
        let controller = Controller(
            reconciler: reconciler,
            initial: try file.load(),
            loadFile: { () throws(ConfigErrors) -> ValidatedFile in try file.load() },
            health: health,
            logger: quietLogger
        )
        #expect(await controller.runPass())
        #expect(try ipvs.table().values.first?.first?.weight == 100)
        #expect(controller.state.current.service("web")?[backendID: "a"]?.weight == 100)
        health.publish(HealthVerdicts([BackendKey(service: "web", backend: "a"): HealthVerdict(status: .down, factor: .out, countsAsHealthy: false, type: "tcp")]))
        #expect(await controller.runPass())
        #expect(try ipvs.table().values.first?.first?.weight == 0)
        #expect(await controller.status.lastPass?.applied == 1)
        let backend = controller.state.current.service("web")?[backendID: "a"]
        #expect(backend?.weight == 0)
        #expect(backend?.desiredWeight == 100)
        #expect(backend?.kernelWeight == 0)
        #expect(backend?.status == .down)
        // A reload that changes nothing tells the checks nothing; one that changes the config does.
        #expect(await controller.reload())
        #expect(controller.desired.version == 0)
        file.set(Self.two)
        #expect(await controller.reload())
        #expect(controller.desired.version == 1)
        #expect(controller.desired.current.backendCount == 2)
    }
}
