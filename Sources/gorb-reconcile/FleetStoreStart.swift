import ArgumentParser
import FleetStore
import Logging
import Reconciler
import Spec

/// `settings.store.etcd` at start: the store is opened before the controller exists, so the
/// first pass applies the fleet's overlay, or the last one this host saw when etcd is down.
enum FleetStoreStart {
    /// The fleet store, read once; `nil` without `settings.store` (the overlay stays in
    /// `overrides.json`).
    static func open(_ settings: EtcdSettings?, state: StateStore, logger: Logger) async throws -> EtcdOverlayStore? {
        guard let settings else { return nil }
        let fleet: EtcdOverlayStore
        do {
            fleet = try EtcdOverlayStore(settings: settings, stateDirectory: state.directory, logger: logger)
        } catch {
            logger.critical("cannot open the fleet store", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        if let error = await fleet.loadAtStart() {
            if fleet.status?.servingCopy == true {
                logger.warning("etcd could not be read at start; serving the last overlay this host saw until it can", metadata: ["error": "\(error)", "revision": "\(fleet.current.revision)", "overrides": "\(fleet.current.overlay.overrides.count)"])
            } else {
                logger.error("etcd could not be read at start and this host never saw the fleet's overlay: serving the file alone until it can", metadata: ["error": "\(error)"])
            }
        } else {
            logger.notice("fleet overlay read from etcd", metadata: ["revision": "\(fleet.current.revision)", "overrides": "\(fleet.current.overlay.overrides.count)", "prefix": "\(settings.prefix)"])
        }
        if let local = try? state.loadOverlay(), !local.isEmpty {
            logger.warning("overrides.json holds overrides made before settings.store; the fleet's overlay is in force instead (they stay in the file, unused)", metadata: ["count": "\(local.overrides.count)", "file": "\(state.overlayPath)"])
        }
        return fleet
    }
}
