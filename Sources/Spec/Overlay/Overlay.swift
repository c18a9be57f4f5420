/// The REST API's changes, kept apart from the file: the desired state is the file with the
/// overlay applied on top (`file ⊕ overlay`). The file stays the operator's truth in git; the
/// overlay is what was changed by hand, listed, expiring, and removable in one call.
///
/// Overrides apply in the order they were made. Recording one drops the earlier ones it makes
/// pointless, so a thousand PATCHes of one weight leave one override, not a thousand.
public struct Overlay: Sendable, Hashable {
    public private(set) var overrides: [Override]

    public init(_ overrides: [Override] = []) {
        self.overrides = overrides
    }

    public var isEmpty: Bool { overrides.isEmpty }

    /// Adds `override` after the others, dropping those it supersedes.
    public mutating func record(_ override: Override) {
        overrides.removeAll { override.supersedes($0) }
        overrides.append(override)
    }

    /// Removes one override (made pointless by what it superseded).
    public mutating func discard(_ override: Override) {
        overrides.removeAll { $0 == override }
    }

    /// Removes the overrides on `service` (all of them, its backends' included, when `backend` is
    /// nil) and returns them.
    @discardableResult
    public mutating func remove(service: String, backend: String? = nil) -> [Override] {
        let removed = overrides.filter { $0.concerns(service: service, backend: backend) }
        overrides.removeAll { $0.concerns(service: service, backend: backend) }
        return removed
    }

    /// Removes and returns the overrides whose TTL has passed at `now` (seconds since 1970).
    public mutating func expire(now: Double) -> [Override] {
        let expired = overrides.filter { ($0.expires ?? .infinity) <= now }
        if !expired.isEmpty { overrides.removeAll { ($0.expires ?? .infinity) <= now } }
        return expired
    }

    /// When the next override expires.
    public var nextExpiry: Double? { overrides.compactMap(\.expires).min() }

    /// The file with every override applied, and the overrides that did not apply (their object
    /// left the file), in order. Nothing is checked here beyond existence: the result goes through
    /// the same validation as the file.
    public func applied(to file: ConfigFile) -> (file: ConfigFile, problems: [OverlayProblem]) {
        var merged = file
        var services = ServiceTable(file.services?.entries ?? [])
        var problems: [OverlayProblem] = []
        for override in overrides {
            if let problem = Self.apply(override, to: &services) {
                problems.append(OverlayProblem(override: override, message: problem))
            }
        }
        merged.services = OrderedEntries(services.entries)
        return (merged, problems)
    }

    /// Applies one override; returns why it could not apply, if it could not.
    static func apply(_ override: Override, to services: inout ServiceTable) -> String? {
        let id = override.service
        guard let backendID = override.backend else {
            switch override.action {
            case .put:
                services[id] = override.serviceOptions ?? ServiceOptions()
            case .patch:
                guard let existing = services[id] else { return "service '\(id)' is not in the file any more" }
                services[id] = existing.patched(by: override.serviceOptions ?? ServiceOptions())
            case .delete:
                guard services[id] != nil else { return "service '\(id)' is not in the file any more" }
                services[id] = nil
            }
            return nil
        }
        guard var service = services[id] else { return "service '\(id)' is not in the file any more" }
        var backends = service.backends ?? OrderedEntries()
        switch override.action {
        case .put:
            backends[backendID] = override.backendOptions ?? BackendOptions()
        case .patch:
            guard let existing = backends[backendID] else { return "backend '\(backendID)' of service '\(id)' is not in the file any more" }
            backends[backendID] = existing.patched(by: override.backendOptions ?? BackendOptions())
        case .delete:
            guard backends[backendID] != nil else { return "backend '\(backendID)' of service '\(id)' is not in the file any more" }
            backends[backendID] = nil
        }
        service.backends = backends
        services[id] = service
        return nil
    }
}

/// The file's services while overrides apply to them: found by id in constant time (hundreds of
/// overrides over thousands of services), in file order, with `OrderedEntries`' semantics: a new
/// id goes last, a removed one leaves no gap.
struct ServiceTable {
    private var slots: [OrderedEntries<ServiceOptions>.Entry?]
    private var index: [String: Int]

    init(_ entries: [OrderedEntries<ServiceOptions>.Entry]) {
        slots = entries
        index = Dictionary(entries.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    var entries: [OrderedEntries<ServiceOptions>.Entry] { slots.compactMap { $0 } }

    subscript(id: String) -> ServiceOptions? {
        get { index[id].flatMap { slots[$0]?.value } }
        set {
            if let position = index[id] {
                if let newValue {
                    slots[position]?.value = newValue
                } else {
                    slots[position] = nil
                    index[id] = nil
                }
            } else if let newValue {
                index[id] = slots.count
                slots.append(OrderedEntries.Entry(id: id, value: newValue))
            }
        }
    }
}

/// An override that is kept but not in force: its object left the file, or applying it would
/// make the desired state invalid. Reported by `GET /overrides`, `GET /status` and the log.
public struct OverlayProblem: Sendable, Hashable, CustomStringConvertible {
    public var override: Override
    public var message: String

    public init(override: Override, message: String) {
        self.override = override
        self.message = message
    }

    public var description: String { "\(override.summary): \(message)" }
}
