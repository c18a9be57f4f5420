import Foundation
import IPVS
import IPVSTesting
import Reconciler
import Spec
import Synchronization
import Testing

/// The REST API's overrides through the controller: kept across SIGHUP and restarts, expiring,
/// refused whole when invalid or unsaved.
@Suite struct OverlayControllerTests {
    typealias FileBox = ControllerTests.FileBox
    static let one = ControllerTests.one

    func weights(_ ipvs: FakeIPVS) throws -> [String: Int32] {
        var result: [String: Int32] = [:]
        for (_, destinations) in try ipvs.table() {
            for destination in destinations { result["\(destination.address)"] = destination.weight }
        }
        return result
    }

    func controller(_ file: FileBox, _ ipvs: FakeIPVS, state: String, overlay: Overlay = Overlay()) throws -> Controller {
        let reconciler = Reconciler(ipvs: ipvs, interfaces: StaticInterfaces([:]), store: StateStore(directory: state), logger: quietLogger)
        return Controller(reconciler: reconciler, initial: try file.load(), overlay: overlay, loadFile: { () throws(ConfigErrors) -> ValidatedFile in try file.load() }, resync: .seconds(3600), logger: quietLogger)
    }

    static func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "gorb-overlay-\(UUID().uuidString)"
    }

    static func weight(_ weight: Int64, backend: String = "a", expires: Double? = nil) -> @Sendable (Config) throws(OverlayError) -> Override? {
        { _ throws(OverlayError) in
            Override(service: "web", backend: backend, action: .patch, backendOptions: BackendOptions(weight: weight), created: 0, expires: expires)
        }
    }

    @Test func overrideSurvivesSighupWithAChangedFile() async throws {
        let file = FileBox(Self.one)
        let ipvs = FakeIPVS()
        let controller = try controller(file, ipvs, state: Self.temporaryDirectory())
        #expect(try await controller.change(Self.weight(7)) != nil)
        #expect(await controller.runPass())
        #expect(try weights(ipvs) == ["10.0.0.1": 7])
        // The file changes (new scheduler, new backend) and is reloaded: the override stays.
        file.set(ControllerTests.two)
        #expect(await controller.reload())
        #expect(await controller.runPass())
        #expect(try weights(ipvs) == ["10.0.0.1": 7, "10.0.0.2": 100])
        #expect(try ipvs.services().first?.scheduler == "rr")
        // The file drops the backend: the override is reported, kept, and comes back with it.
        file.set("services:\n  web: {host: 192.0.2.10, port: 80, backends: {b: {host: 10.0.0.2}}}\n")
        #expect(await controller.reload())
        #expect(await controller.status.overlayProblems.map(\.override.backend) == ["a"])
        #expect(await controller.overlay.overrides.count == 1)
        file.set(Self.one)
        #expect(await controller.reload())
        #expect(await controller.status.overlayProblems.isEmpty)
        #expect(await controller.runPass())
        #expect(try weights(ipvs)["10.0.0.1"] == 7)
    }

    @Test func ttlExpiryRestoresTheFileValue() async throws {
        // The controller's clock stands still until the test moves it: the pass that applies the
        // override sees it in force however slow a loaded machine makes that pass.
        let clock = Mutex(WallTime.current())
        let ipvs = FakeIPVS()
        let reconciler = Reconciler(ipvs: ipvs, interfaces: StaticInterfaces([:]), store: StateStore(directory: Self.temporaryDirectory()), logger: quietLogger, now: { clock.withLock { $0 } })
        let file = FileBox(Self.one)
        let controller = Controller(reconciler: reconciler, initial: try file.load(), loadFile: { () throws(ConfigErrors) -> ValidatedFile in try file.load() }, resync: .seconds(3600), logger: quietLogger)
        let loop = Task { await controller.run() }
        defer { loop.cancel() }
        let expires = clock.withLock { $0.seconds } + 0.5
        let ticket = try #require(try await controller.change(Self.weight(0, expires: expires)))
        _ = await controller.waitForPass(ticket)
        #expect(try weights(ipvs) == ["10.0.0.1": 0])
        clock.withLock { $0 = WallTime(seconds: expires + 1) }
        // No trigger: the loop wakes for the expiry by itself (it sleeps until the expiry as its
        // clock told it, half a second, and finds it passed).
        var restored = false
        for _ in 0..<1000 where !restored {
            try await Task.sleep(for: .milliseconds(10))
            restored = try weights(ipvs) == ["10.0.0.1": 100]
        }
        #expect(restored)
        #expect(await controller.overlay.isEmpty)
    }

    @Test func restartKeepsOverridesAndChangesNothing() async throws {
        let state = Self.temporaryDirectory()
        let file = FileBox(Self.one)
        let ipvs = FakeIPVS()
        let first = try controller(file, ipvs, state: state)
        _ = try await first.change(Self.weight(3))
        #expect(await first.runPass())
        // A new daemon over the same kernel and state directory.
        let saved = try StateStore(directory: state).loadOverlay()
        #expect(saved.overrides.count == 1)
        let second = try controller(file, ipvs, state: state, overlay: saved)
        #expect(await second.runPass())
        #expect(await second.status.lastPass?.applied == 0)  // hitless: the weight was already 3
        #expect(try weights(ipvs) == ["10.0.0.1": 3])
    }

    @Test func overrideKeptAsideDoesNotBlockLaterChanges() async throws {
        let file = FileBox(Self.one)
        let ipvs = FakeIPVS()
        let controller = try controller(file, ipvs, state: Self.temporaryDirectory())
        _ = try await controller.change { _ throws(OverlayError) in
            Override(service: "api", action: .put, serviceOptions: ServiceOptions(host: "192.0.2.20", port: 80), created: 0)
        }
        // The file takes the API service's VIP: the override is kept aside, reported.
        file.set(Self.one + "  other: {host: 192.0.2.20, port: 80}\n")
        #expect(await controller.reload())
        #expect(await controller.status.overlayProblems.map(\.override.service) == ["api"])
        // Another change is judged on its own, not refused for the clash.
        #expect(try await controller.change(Self.weight(4)) != nil)
        #expect(await controller.runPass())
        #expect(try weights(ipvs) == ["10.0.0.1": 4])
        #expect(await controller.overlay.overrides.count == 2)
    }

    @Test func invalidChangeIsRefusedWhole() async throws {
        let state = Self.temporaryDirectory()
        let controller = try controller(FileBox(Self.one), FakeIPVS(), state: state)
        await #expect(throws: OverlayError.self) { try await controller.change(Self.weight(-5)) }
        do {
            _ = try await controller.change(Self.weight(-5))
        } catch {
            #expect(error.kind == .invalid)
            #expect(error.messages.first?.hasPrefix("services.web.backends.a.weight: ") == true)
        }
        #expect(await controller.overlay.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: StateStore(directory: state).overlayPath))
    }

    @Test func unsavableChangeIsRefusedAndNothingChanges() async throws {
        // The state "directory" is a file: the overlay cannot be written.
        let state = Self.temporaryDirectory()
        #expect(FileManager.default.createFile(atPath: state, contents: Data()))
        let ipvs = FakeIPVS()
        let controller = try controller(FileBox(Self.one), ipvs, state: state)
        do {
            _ = try await controller.change(Self.weight(9))
            Issue.record("the change was accepted without being saved")
        } catch {
            #expect(error.kind == .storage)
        }
        #expect(await controller.overlay.isEmpty)
        #expect(await controller.currentConfig.services.first?.backends.first?.weight == 100)
    }

    @Test func deletingWhatTheAPIAddedLeavesNoOverride() async throws {
        let controller = try controller(FileBox(Self.one), FakeIPVS(), state: Self.temporaryDirectory())
        _ = try await controller.change { _ throws(OverlayError) in
            Override(service: "web", backend: "c", action: .put, backendOptions: BackendOptions(host: "10.0.0.3"), created: 0)
        }
        #expect(await controller.currentConfig.services.first?.backends.count == 2)
        _ = try await controller.change { _ throws(OverlayError) in
            Override(service: "web", backend: "c", action: .delete, created: 1)
        }
        #expect(await controller.overlay.isEmpty)
        #expect(await controller.currentConfig.services.first?.backends.count == 1)
    }

    @Test func tornTemporaryFileIsIgnored() throws {
        let state = Self.temporaryDirectory()
        let store = StateStore(directory: state)
        var overlay = Overlay()
        overlay.record(Override(service: "web", backend: "a", action: .patch, backendOptions: BackendOptions(weight: 1), created: 0))
        try store.saveOverlay(overlay)
        // A write killed before its rename leaves only a partial temporary file behind.
        try Data(#"{"version": 1, "overrides": [{"serv"#.utf8).write(to: URL(fileURLWithPath: store.overlayPath + ".tmp-4242"))
        #expect(try store.loadOverlay() == overlay)
    }

    @Test func corruptOverlayFileStopsTheStartWithItsPath() throws {
        let state = Self.temporaryDirectory()
        let store = StateStore(directory: state)
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: store.overlayPath))
        #expect(throws: StateStore.Failure.self) { try store.loadOverlay() }
        do {
            _ = try store.loadOverlay()
        } catch {
            #expect(error.description.contains(store.overlayPath))
        }
    }
}
