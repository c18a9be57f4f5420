public import Spec

/// The desired state before health: the last good file, the REST API's overlay on top of it, and
/// the config they resolve to (`file ⊕ overlay`). A value: every change is checked first and
/// either made whole or refused, and the controller saves the overlay before it keeps a change.
public struct DesiredConfig: Sendable {
    public private(set) var file: ValidatedFile
    public private(set) var overlay: Overlay
    /// The config in force: the file with the overrides that apply.
    public private(set) var config: Config
    /// Overrides kept but not in force (their object left the file, or they clash with it).
    public private(set) var problems: [OverlayProblem]
    /// How `config` was resolved, when a REST API change resolved it: the next change reuses
    /// every service it does not touch.
    private var resolution: Resolution?

    public init(file: ValidatedFile, overlay: Overlay) {
        self.file = file
        self.overlay = overlay
        (config, problems) = file.applying(overlay)
    }

    /// A change the REST API asked for, checked and ready to save.
    public struct Accepted: Sendable {
        public var overlay: Overlay
        /// The config it resolves to, when nothing is kept aside (no second resolution needed).
        var resolved: Resolution?
        var resolution: Resolution
    }

    /// Checks `override` with the file by the file's rules, and against the API's limits (no exec
    /// check from the API); nothing changes until ``commit(_:)``.
    public func accepting(_ override: Override) throws(OverlayError) -> Accepted {
        let written = override.execCheckPaths
        if !written.isEmpty { throw OverlayError(.forbidden, written.map { "\($0): \(ValidatedFile.execRefusal)" }) }
        var candidate = overlay
        candidate.record(override)
        if override.action == .delete, candidate.applied(to: file.written).problems.contains(where: { $0.override == override }) {
            // It deleted what an earlier override added: dropping that one was the whole change.
            candidate.discard(override)
        }
        // Checked with the overrides in force: one kept but not applied (it clashes with a
        // reloaded file) must not block every later change.
        let notInForce = problems.map(\.override)
        let resolved: Resolution
        do {
            resolved = try file.resolve(notInForce.isEmpty ? candidate : Overlay(candidate.overrides.filter { !notInForce.contains($0) }), reusing: resolution)
        } catch {
            throw OverlayError(.invalid, error.items.map { item in
                let path = item.pathDescription
                return path.isEmpty ? item.message : "\(path): \(item.message)"
            })
        }
        let execRefused = file.execChecksNotFromFile(candidate, resolved: resolved.config, reusing: resolution)
        if !execRefused.isEmpty { throw OverlayError(.forbidden, execRefused) }
        // With nothing kept aside, the config just checked is the one in force.
        return Accepted(overlay: candidate, resolved: notInForce.isEmpty ? resolved : nil, resolution: resolved)
    }

    /// Puts an accepted change in force (after it was saved).
    public mutating func commit(_ accepted: Accepted) {
        overlay = accepted.overlay
        if let resolved = accepted.resolved {
            config = resolved.config
        } else {
            settle()
        }
        resolution = accepted.resolution
    }

    /// Replaces the overlay (overrides removed or expired) and re-applies it.
    ///
    /// - Returns: the problems that are new.
    @discardableResult
    public mutating func replace(overlay: Overlay) -> [OverlayProblem] {
        self.overlay = overlay
        return settle()
    }

    /// Replaces the file (a reload); the overlay is kept, overrides whose object left the file
    /// are reported, not dropped.
    ///
    /// - Returns: the problems that are new.
    @discardableResult
    public mutating func replace(file: ValidatedFile) -> [OverlayProblem] {
        self.file = file
        return settle()
    }

    @discardableResult
    private mutating func settle() -> [OverlayProblem] {
        let (effective, problems) = file.applying(overlay)
        let new = problems.filter { !self.problems.contains($0) }
        self.problems = problems
        config = effective
        return new
    }
}

/// Why a REST API change was refused; nothing was changed.
public struct OverlayError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The change would make the desired state invalid (400).
        case invalid
        /// The object does not exist (404).
        case notFound
        /// The object exists already (409).
        case exists
        /// The change would put in force what the API may not write: an exec check (403).
        case forbidden
        /// The overlay could not be saved (500).
        case storage
        /// The overlay kept changing under this change (409): see Controller+Overlay.swift.
        case conflict
        /// The overlay's store cannot be reached; nothing was changed (503).
        case unavailable
    }

    public var kind: Kind
    public var messages: [String]

    public init(_ kind: Kind, _ messages: [String]) {
        self.kind = kind
        self.messages = messages
    }

    public var description: String { messages.joined(separator: "; ") }
}
