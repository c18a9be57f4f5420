import Foundation
import IPVS
import IPVSTesting
import Reconciler
import Spec
import Synchronization
import Testing

/// The overlay's door to its store: saves checked against their basis, a lost save made again
/// from the store's latest overlay, an unreachable store refusing the change whole.
@Suite struct OverlayStoreTests {
    typealias FileBox = ControllerTests.FileBox

    /// A store shared with "another host": `remote` changes land in it between a change's read
    /// and its save, `down` makes it unreachable.
    final class SharedStore: OverlayStore {
        let state = Mutex(StoredOverlay(Overlay(), revision: 10))
        let remote = Mutex<[Override]>([])
        let down = Mutex(false)
        let saves = Mutex(0)

        var current: StoredOverlay { state.withLock { $0 } }
        var status: OverlayStoreStatus? { nil }

        func save(_ overlay: Overlay, basis: StoredOverlay) async throws(OverlayStoreError) -> StoredOverlay {
            if down.withLock({ $0 }) { throw .unavailable("the store is down") }
            return try state.withLock { (state: inout StoredOverlay) throws(OverlayStoreError) -> StoredOverlay in
                saves.withLock { $0 += 1 }
                // Another host's change arrives first.
                let pending = remote.withLock { list in defer { list = [] }; return list }
                for change in pending {
                    state.overlay.record(change)
                    state.revision += 1
                }
                guard basis.revision == state.revision else { throw .conflict(state) }
                state = StoredOverlay(overlay, revision: state.revision + 1)
                return state
            }
        }

        func expire(_ overlay: Overlay) throws(OverlayStoreError) -> StoredOverlay? { nil }
    }

    func controller(_ store: SharedStore, _ ipvs: FakeIPVS) throws -> Controller {
        let file = FileBox(ControllerTests.two)
        let reconciler = Reconciler(ipvs: ipvs, interfaces: StaticInterfaces([:]), store: StateStore(directory: NSTemporaryDirectory() + "gorb-store-\(UUID().uuidString)"), logger: quietLogger)
        return Controller(reconciler: reconciler, initial: try file.load(), overlay: store.current.overlay, overlayStore: store, loadFile: { () throws(ConfigErrors) -> ValidatedFile in try file.load() }, resync: .seconds(3600), logger: quietLogger)
    }

    static func weight(_ backend: String, _ weight: Int64) -> Override {
        Override(service: "web", backend: backend, action: .patch, backendOptions: BackendOptions(weight: weight), created: 0)
    }

    @Test func aLostSaveIsMadeAgainFromTheLatestOverlay() async throws {
        let store = SharedStore()
        let ipvs = FakeIPVS()
        let controller = try controller(store, ipvs)
        store.remote.withLock { $0 = [Self.weight("b", 0)] }
        let ticket = try await controller.change { _ throws(OverlayError) in Self.weight("a", 7) }
        #expect(ticket != nil)
        #expect(store.saves.withLock { $0 } == 2)
        // Both changes are in force, the other host's first: none was lost.
        #expect(await controller.overlay.overrides == [Self.weight("b", 0), Self.weight("a", 7)])
        #expect(await controller.overlayStoreRevision == 12)
        #expect(await controller.runPass())
        let weights = try ipvs.table().values.flatMap { $0 }.map(\.weight).sorted()
        #expect(weights == [0, 7])
    }

    @Test func anUnreachableStoreRefusesTheChangeWhole() async throws {
        let store = SharedStore()
        let controller = try controller(store, FakeIPVS())
        store.down.withLock { $0 = true }
        do {
            _ = try await controller.change { _ throws(OverlayError) in Self.weight("a", 7) }
            Issue.record("the change was accepted")
        } catch {
            #expect(error.kind == .unavailable)
        }
        #expect(await controller.overlay.isEmpty)
    }

    @Test func anOlderOverlayIsNeverAdopted() async throws {
        let store = SharedStore()
        let controller = try controller(store, FakeIPVS())
        await controller.adopt(StoredOverlay(Overlay([Self.weight("a", 1)]), revision: 20))
        await controller.adopt(StoredOverlay(Overlay([Self.weight("a", 2)]), revision: 15))
        #expect(await controller.overlay.overrides == [Self.weight("a", 1)])
    }

    @Test func theLocalFileTakesSavesOneAfterTheOther() async throws {
        let directory = NSTemporaryDirectory() + "gorb-local-\(UUID().uuidString)"
        let local = LocalOverlayStore(StateStore(directory: directory), overlay: Overlay())
        let basis = local.current
        let first = try await local.save(Overlay([Self.weight("a", 1)]), basis: basis)
        #expect(first.revision == basis.revision + 1)
        await #expect(throws: OverlayStoreError.self) { try await local.save(Overlay([Self.weight("b", 1)]), basis: basis) }
        #expect(try StateStore(directory: directory).loadOverlay() == Overlay([Self.weight("a", 1)]))
    }
}
