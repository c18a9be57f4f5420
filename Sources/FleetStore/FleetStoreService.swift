import Publishing
import Logging
public import Reconciler
import Spec
public import ServiceLifecycle

/// The fleet store in the daemon's service group: follows etcd (``EtcdOverlayStore/run()``) and
/// hands every overlay it sees to the controller, which applies it in its next pass. The
/// controller never waits for etcd: a change waits for its own transaction, nothing else does.
public struct FleetStoreService: ServiceLifecycle.Service {
    let store: EtcdOverlayStore
    let controller: Controller

    public init(store: EtcdOverlayStore, controller: Controller) {
        self.store = store
        self.controller = controller
    }

    public func run() async throws {
        let store = self.store
        let controller = self.controller
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await store.run() }
                group.addTask {
                    for await stored in store.published.updates { await controller.adopt(stored) }
                }
                group.addTask {
                    // The store is opened once; a reloaded file cannot move the overlay elsewhere.
                    for await config in controller.desired.updates where config.settings.store != store.settings {
                        store.logger.warning("settings.store changed in the file; it takes effect at the next start of the daemon")
                    }
                }
            }
        }
        await store.shutdown()
    }
}
