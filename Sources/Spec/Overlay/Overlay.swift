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
        var services = ServiceTable(file.services?.entries ?? [], ids: Set(overrides.map(\.service)))
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

/// The file's services while overrides apply to them, in file order, with `OrderedEntries`'
/// semantics: a new id goes last, a removed one leaves no gap. Only the services the overrides
/// name are indexed, and the file's entries are copied once, when the first one changes: at
/// 10,000 services, indexing and copying all of them for each REST change was a quarter of its
/// cost.
struct ServiceTable {
    private var slots: [OrderedEntries<ServiceOptions>.Entry]
    /// Positions in `slots` of the ids asked for (and of those added).
    private var positions: [String: Int] = [:]
    private var removed: Set<Int> = []

    /// - Parameter ids: the services that will be read or changed.
    init(_ entries: [OrderedEntries<ServiceOptions>.Entry], ids: Set<String>) {
        slots = entries
        guard !ids.isEmpty else { return }
        positions.reserveCapacity(ids.count)
        for position in slots.indices where ids.contains(slots[position].id) && positions[slots[position].id] == nil {
            positions[slots[position].id] = position
        }
    }

    var entries: [OrderedEntries<ServiceOptions>.Entry] {
        guard !removed.isEmpty else { return slots }
        return slots.indices.filter { !removed.contains($0) }.map { slots[$0] }
    }

    /// A service by id; only the ids given at `init` (and those added since) are found.
    subscript(id: String) -> ServiceOptions? {
        get { live(id).map { slots[$0].value } }
        set {
            if let position = live(id) {
                if let newValue { slots[position].value = newValue } else { removed.insert(position) }
            } else if let newValue {
                positions[id] = slots.count
                slots.append(OrderedEntries.Entry(id: id, value: newValue))
            }
        }
    }

    private func live(_ id: String) -> Int? {
        guard let position = positions[id], !removed.contains(position) else { return nil }
        return position
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
