public import Spec

/// Where the REST API's overlay is kept: the state directory (``LocalOverlayStore``, the default)
/// or a cluster that several balancers share (etcd, in `FleetStore`). The controller makes a
/// change from the overlay it has in force (the basis) and hands the result here; the change is
/// put in force only once the store says it is saved.
///
/// Saving is optimistic: a store refuses a save whose basis is not its latest overlay (another
/// change came first, here or on another host) and answers with that latest overlay, from which
/// the controller makes the change again.
public protocol OverlayStore: Sendable {
    /// The overlay as last saved or seen, with its revision.
    var current: StoredOverlay { get }

    /// Saves `overlay`, made from `basis`; returns what is in force now (`overlay`, at a new
    /// revision).
    ///
    /// - Throws: ``OverlayStoreError/conflict(_:)`` when `basis` is not the latest overlay;
    ///   ``OverlayStoreError/unavailable(_:)`` or ``OverlayStoreError/failed(_:)`` when nothing
    ///   was saved.
    func save(_ overlay: Overlay, basis: StoredOverlay) async throws(OverlayStoreError) -> StoredOverlay

    /// Overrides expired at their TTL; `overlay` is what remains. Returns the new stored overlay
    /// when the store recorded the expiry itself, `nil` when it happens elsewhere (a fleet store's
    /// leases expire in the cluster, and the watch brings the deletion).
    func expire(_ overlay: Overlay) throws(OverlayStoreError) -> StoredOverlay?

    /// How a shared store is doing; `nil` for the local file.
    var status: OverlayStoreStatus? { get }
}

/// An overlay as a store holds it: revisions only grow, so a newer one is never replaced by an
/// older one that arrives late.
public struct StoredOverlay: Sendable, Hashable {
    public var overlay: Overlay
    /// The store's revision (etcd's for a fleet store; a counter for the local file).
    public var revision: Int64

    public init(_ overlay: Overlay, revision: Int64) {
        self.overlay = overlay
        self.revision = revision
    }
}

/// Why a store did not save an overlay; nothing was saved.
public enum OverlayStoreError: Error, Sendable, CustomStringConvertible {
    /// Another change came first; this is the latest overlay.
    case conflict(StoredOverlay)
    /// The store cannot be reached; the message says what it answered, or that nothing did.
    case unavailable(String)
    /// The store could not write it (a full disk, a refused request).
    case failed(String)

    public var description: String {
        switch self {
        case .conflict(let latest): "another change came first (revision \(latest.revision))"
        case .unavailable(let message), .failed(let message): message
        }
    }
}
