import Synchronization
import YAMLBridge

/// A file that parsed and validated, kept both as written and as resolved: the REST API's overlay
/// applies to what was written (so an added backend inherits `defaults` like one in the file),
/// and the result is validated by the same rules as the file.
public struct ValidatedFile: Sendable {
    /// The path it was read from (or the name given to diagnostics).
    public var path: String
    public let written: ConfigFile
    /// The file alone, resolved.
    public let config: Config
    /// `-i`, which wins over `settings.interface`.
    public var interface: String?
    /// What is derived from `written` and `config` once per file rather than once per REST
    /// change (shared by every copy; both are constants).
    private let derived = Derived()

    public init(path: String, written: ConfigFile, config: Config, interface: String? = nil) {
        self.path = path
        self.written = written
        self.config = config
        self.interface = interface
    }

    /// The file's own service `id` as resolved; `nil` when the file has none (an API-made one).
    /// Found through the index kept with the file, so that publishing a state does not index
    /// 10,000 services again.
    public func service(_ id: String) -> Service? {
        let known = fileKnown
        return known.positions[id].map { known.services[$0.resolved] }
    }

    /// The file's services as written and as resolved, by id: for the resolver to take unchanged
    /// ones from, and for ``service(_:)``. Built on first use and kept with the file.
    private var fileKnown: Resolver.Known {
        derived.known.withLock { known in
            if let known { return known }
            let built = Resolver.Known(written, config, only: nil)
            known = built
            return built
        }
    }

    final class Derived: Sendable {
        let known = Mutex<Resolver.Known?>(nil)
    }

    /// The file with the whole overlay applied, or every problem that makes it invalid. The REST
    /// API checks a change with this before accepting it, so a change is taken whole or not at
    /// all, and its errors name the JSON path (`services.web.backends.b1.weight: …`).
    ///
    /// Services written as in the file, or as in `previous` (the last resolution, when it was made
    /// from this file), are not resolved again: a change costs the services it touches.
    public func resolve(_ overlay: Overlay, reusing previous: Resolution? = nil) throws(ConfigErrors) -> Resolution {
        if overlay.isEmpty { return Resolution(written: written, config: config, interface: interface, touched: []) }
        let merged = overlay.applied(to: written).file
        var resolver = Resolver(interfaceOverride: interface, known: knownServices(previous))
        let resolved = resolver.resolve(merged)
        guard resolver.diagnostics.isEmpty else { throw ConfigErrors(Diagnostics(resolver.diagnostics)) }
        return Resolution(written: merged, config: resolved, interface: interface, touched: Set(overlay.overrides.map(\.service)))
    }

    /// The desired state: the file with every override that still applies. An override whose
    /// object left the file, or that would make a reloaded file invalid (two services on one VIP),
    /// is left out and reported, never silently dropped: it stays in the overlay, so it applies
    /// again if the file changes back.
    public func applying(_ given: Overlay) -> (config: Config, problems: [OverlayProblem]) {
        if given.isEmpty { return (config, []) }
        let (overlay, refused) = withoutExecAuthored(given)
        let (merged, unapplied) = overlay.applied(to: written)
        let problems = refused + unapplied
        let known = knownServices()
        var resolver = Resolver(interfaceOverride: interface, known: known)
        let resolved = resolver.resolve(merged)
        if resolver.diagnostics.isEmpty { return (resolved, problems) }
        // Some override clashes with the file: find which, one at a time, in order.
        var accepted: [Override] = []
        var rejected = refused
        for override in overlay.overrides {
            let trial = Overlay(accepted + [override])
            let (trialFile, trialProblems) = trial.applied(to: written)
            if let problem = trialProblems.first(where: { $0.override == override }) {
                rejected.append(problem)
                continue
            }
            var check = Resolver(interfaceOverride: interface, known: known)
            _ = check.resolve(trialFile)
            if let first = check.diagnostics.first {
                let more = check.diagnostics.count > 1 ? " (and \(check.diagnostics.count - 1) more)" : ""
                rejected.append(OverlayProblem(override: override, message: "it no longer fits the file: \(first.description)\(more)"))
                continue
            }
            accepted.append(override)
        }
        var final = Resolver(interfaceOverride: interface, known: known)
        let config = final.resolve(Overlay(accepted).applied(to: written).file)
        // The file alone is valid and every accepted override was checked, so this holds; keep
        // the file's config rather than apply something unchecked if it ever did not.
        guard final.diagnostics.isEmpty else { return (self.config, given.overrides.map { OverlayProblem(override: $0, message: "not applied") }) }
        return (config, rejected)
    }

    /// The services already resolved, as written and as resolved, for the resolver to take
    /// unchanged ones from: the file's, and `previous`'s when it was made from this file (the
    /// same `settings`, `defaults` and interface, so the same service resolves the same way).
    ///
    /// Of `previous`, only the services its overlay touched can differ from the file's, so only
    /// those are taken (indexing all of `previous` again was a tenth of a REST change's cost at
    /// 100,000 backends).
    private func knownServices(_ previous: Resolution? = nil) -> Resolver.KnownServices {
        var known = Resolver.KnownServices(file: fileKnown)
        if let previous, previous.interface == interface, previous.written.settings == written.settings, previous.written.defaults == written.defaults {
            known.recent = Resolver.Known(previous.written, previous.config, only: previous.touched)
        }
        return known
    }

}

/// The desired state as written (the file with the overrides in force) and as resolved: what a
/// later resolution of the same file takes its unchanged services from.
public struct Resolution: Sendable {
    public var written: ConfigFile
    public var config: Config
    /// `-i`, which wins over `settings.interface`.
    public var interface: String?
    /// The services the overlay touched: the only ones that may differ from the file's.
    var touched: Set<String>
}
