import Logging
public import Spec

/// The REST API's door into the desired state: changes are checked with the file, saved, put in
/// force, and applied by a pass.
extension Controller {
    /// Makes one REST API change: `decide` sees the config in force and returns the override to
    /// record (`nil`: nothing to change) or throws a 404/409-style error. The override is
    /// validated with the file by the file's rules, saved to disk, and only then put in force; a
    /// pass is triggered.
    ///
    /// - Returns: a ticket for ``waitForPass(_:)``; `nil` when nothing changed.
    public func change(_ decide: @Sendable (Config) throws(OverlayError) -> Override?) throws(OverlayError) -> Int? {
        guard let override = try decide(desiredConfig.config) else { return nil }
        let accepted = try desiredConfig.accepting(override)
        try save(accepted.overlay)
        changeDesired { desired in
            desired.commit(accepted)
            return []
        }
        logger.notice("override", metadata: ["change": "\(override.summary)", "expires": "\(override.expires.map { "\(WallTime(seconds: $0))" } ?? "never")"])
        return trigger(.change)
    }

    /// Removes overrides (`DELETE /overrides…`): all of them, a service's (its backends'
    /// included) or one backend's. The file's values return.
    public func removeOverrides(service: String?, backend: String?) throws(OverlayError) -> (removed: [Override], ticket: Int) {
        var candidate = desiredConfig.overlay
        let removed: [Override]
        if let service {
            removed = candidate.remove(service: service, backend: backend)
        } else {
            removed = candidate.overrides
            candidate = Overlay()
        }
        if !removed.isEmpty {
            try save(candidate)
            changeDesired { $0.replace(overlay: candidate) }
            trigger(.change)
            logger.notice("overrides removed", metadata: ["count": "\(removed.count)"])
        }
        return (removed, status.passes + 1)
    }

    /// Drops overrides whose TTL passed, so the file's values come back.
    func expireOverrides() {
        var candidate = desiredConfig.overlay
        let expired = candidate.expire(now: reconciler.now().seconds)
        guard !expired.isEmpty else { return }
        do {
            try reconciler.store.saveOverlay(candidate)
        } catch {
            // Still expire them in memory: the TTL is a promise to the operator. The next save
            // (or expiry after a restart) brings the file in line.
            logger.error("cannot save the overlay after expiry", metadata: ["error": "\(error)"])
        }
        changeDesired { $0.replace(overlay: candidate) }
        for override in expired { logger.notice("override expired", metadata: ["change": "\(override.summary)"]) }
    }

    private func save(_ overlay: Overlay) throws(OverlayError) {
        do {
            try reconciler.store.saveOverlay(overlay)
        } catch {
            throw OverlayError(.storage, [error.description])
        }
    }
}
