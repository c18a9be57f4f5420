public import Spec
import Synchronization

/// The overlay in the state directory (`overrides.json`), as every release kept it: one host, no
/// network. Saves are checked against the basis under a lock, so two REST API changes made at
/// once are applied one after the other, never one over the other.
public final class LocalOverlayStore: OverlayStore {
    private let store: StateStore
    private let state: Mutex<StoredOverlay>

    /// - Parameter overlay: what ``StateStore/loadOverlay()`` read at start.
    public init(_ store: StateStore, overlay: Overlay) {
        self.store = store
        state = Mutex(StoredOverlay(overlay, revision: 0))
    }

    public var current: StoredOverlay { state.withLock { $0 } }

    public var status: OverlayStoreStatus? { nil }

    public func save(_ overlay: Overlay, basis: StoredOverlay) async throws(OverlayStoreError) -> StoredOverlay {
        try state.withLock { (state: inout StoredOverlay) throws(OverlayStoreError) -> StoredOverlay in
            guard state.revision == basis.revision else { throw .conflict(state) }
            try write(overlay)
            state = StoredOverlay(overlay, revision: state.revision + 1)
            return state
        }
    }

    public func expire(_ overlay: Overlay) throws(OverlayStoreError) -> StoredOverlay? {
        try state.withLock { (state: inout StoredOverlay) throws(OverlayStoreError) -> StoredOverlay? in
            // Expired in memory either way (the TTL is a promise to the operator); the revision
            // moves so a change made from the old overlay is made again.
            state = StoredOverlay(overlay, revision: state.revision + 1)
            try write(overlay)
            return state
        }
    }

    private func write(_ overlay: Overlay) throws(OverlayStoreError) {
        do {
            try store.saveOverlay(overlay)
        } catch {
            throw .failed(error.description)
        }
    }
}
