import Logging
public import Spec

/// The REST API's door into the desired state: changes are checked with the file, saved in the
/// overlay's store, put in force, and applied by a pass.
///
/// Saving may wait (a fleet store is a network away), and the actor serves passes meanwhile;
/// changes wait for each other (``ChangeQueue``). A save made from an overlay that is no longer
/// the latest (another host's change came first) is refused by the store, which answers with the
/// latest; the change is then made again from it (re-read, re-decided, re-checked), so no change
/// is lost and none is made over one it did not see.
extension Controller {
    /// How many times a change is made again after losing to another one before the API answers
    /// 409: every lost round means another change was saved, so this bounds a storm, not a race.
    static let changeAttempts = 64

    /// Makes one REST API change: `decide` sees the config in force and returns the override to
    /// record (`nil`: nothing to change) or throws a 404/409-style error. The override is
    /// validated with the file by the file's rules, saved in the store, and only then put in
    /// force; a pass is triggered.
    ///
    /// - Returns: a ticket for ``waitForPass(_:)``; `nil` when nothing changed.
    public func change(_ decide: @escaping @Sendable (Config) throws(OverlayError) -> Override?) async throws(OverlayError) -> Int? {
        try await changeQueue.run { () async throws(OverlayError) -> Int? in try await self.changeNow(decide) }
    }

    private func changeNow(_ decide: @Sendable (Config) throws(OverlayError) -> Override?) async throws(OverlayError) -> Int? {
        var attempted: Override?
        for attempt in 1...Self.changeAttempts {
            if let attempted, desiredConfig.overlay.overrides.contains(attempted) {
                // The save that "failed" was committed (the store went away after taking it, and
                // the retry lost to it): it is in force, made once.
                logger.notice("override", metadata: ["change": "\(attempted.summary)", "revision": "\(overlayRevision)"])
                return trigger(.change)
            }
            let basis = StoredOverlay(desiredConfig.overlay, revision: overlayRevision)
            guard let override = try decide(desiredConfig.config) else { return nil }
            let accepted = try desiredConfig.accepting(override)
            attempted = override
            guard let saved = try await save(accepted.overlay, basis: basis, attempt: attempt) else { continue }
            if overlayRevision == basis.revision, saved.overlay == accepted.overlay {
                overlayRevision = saved.revision
                changeDesired { desired in
                    desired.commit(accepted)
                    return []
                }
            } else {
                adopt(saved)
            }
            logger.notice("override", metadata: ["change": "\(override.summary)", "expires": "\(override.expires.map { "\(WallTime(seconds: $0))" } ?? "never")", "revision": "\(saved.revision)"])
            return trigger(.change)
        }
        throw Self.lostTooOften
    }

    /// Removes overrides (`DELETE /overrides…`): all of them, a service's (its backends'
    /// included) or one backend's. The file's values return.
    public func removeOverrides(service: String?, backend: String?) async throws(OverlayError) -> (removed: [Override], ticket: Int) {
        try await changeQueue.run { () async throws(OverlayError) -> (removed: [Override], ticket: Int) in
            try await self.removeNow(service: service, backend: backend)
        }
    }

    private func removeNow(service: String?, backend: String?) async throws(OverlayError) -> (removed: [Override], ticket: Int) {
        var attempted: [Override] = []
        for attempt in 1...Self.changeAttempts {
            let basis = StoredOverlay(desiredConfig.overlay, revision: overlayRevision)
            var candidate = basis.overlay
            let removed: [Override]
            if let service {
                removed = candidate.remove(service: service, backend: backend)
            } else {
                removed = candidate.overrides
                candidate = Overlay()
            }
            // Nothing left to remove after a lost round: the removal that "failed" was committed.
            if removed.isEmpty { return (attempted, status.passes + 1) }
            attempted = removed
            guard let saved = try await save(candidate, basis: basis, attempt: attempt) else { continue }
            adopt(saved)
            trigger(.change)
            logger.notice("overrides removed", metadata: ["count": "\(removed.count)", "revision": "\(saved.revision)"])
            return (removed, status.passes + 1)
        }
        throw Self.lostTooOften
    }

    /// Puts in force an overlay the store saw change (another host's change, through a fleet
    /// store's watch), unless a newer one is in force already; the next pass applies it.
    public func adopt(_ stored: StoredOverlay) {
        guard stored.revision > overlayRevision else { return }
        overlayRevision = stored.revision
        guard stored.overlay != desiredConfig.overlay else { return }
        changeDesired { $0.replace(overlay: stored.overlay) }
        trigger(.change)
    }

    /// The revision of the overlay in force, as its store numbers them.
    public var overlayStoreRevision: Int64 { overlayRevision }

    /// Drops overrides whose TTL passed, so the file's values come back.
    func expireOverrides() {
        var candidate = desiredConfig.overlay
        let expired = candidate.expire(now: reconciler.now().seconds)
        guard !expired.isEmpty else { return }
        do {
            if let stored = try overlayStore.expire(candidate) { overlayRevision = max(overlayRevision, stored.revision) }
        } catch {
            // Still expire them in memory: the TTL is a promise to the operator. The next save
            // (or expiry after a restart) brings the file in line.
            logger.error("cannot save the overlay after expiry", metadata: ["error": "\(error)"])
        }
        changeDesired { $0.replace(overlay: candidate) }
        for override in expired { logger.notice("override expired", metadata: ["change": "\(override.summary)"]) }
    }

    /// Saves through the store; `nil` when another change came first (it is in force now, and
    /// the caller makes its change again from it).
    private func save(_ overlay: Overlay, basis: StoredOverlay, attempt: Int) async throws(OverlayError) -> StoredOverlay? {
        do {
            return try await overlayStore.save(overlay, basis: basis)
        } catch {
            switch error {
            case .conflict(let latest):
                logger.debug("override lost to another change; making it again", metadata: ["attempt": "\(attempt)", "revision": "\(latest.revision)"])
                adopt(latest)
                return nil
            case .unavailable(let message):
                throw OverlayError(.unavailable, [message])
            case .failed(let message):
                throw OverlayError(.storage, [message])
            }
        }
    }

    private static var lostTooOften: OverlayError {
        OverlayError(.conflict, ["the change lost to other changes of the overlay \(changeAttempts) times in a row; read the state again and retry"])
    }
}
