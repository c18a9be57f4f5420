public import Spec

/// What changed between two configs in force, service by service: what a pass started by a
/// reload or a REST API change has to plan and read, instead of the whole table.
///
/// Services are matched by id. A service is touched when it was added, removed, or any of its
/// fields or backends changed (health's weights included: the configs compared are the
/// effective ones). Comparing shares storage with what the last pass used, so an untouched
/// service costs a pointer comparison for its backends, not a walk.
public struct ConfigChanges: Sendable {
    /// The new config's touched services, in its order.
    public var changed: [Service]
    /// The old config's versions of the touched services (removed ones included), whose kernel
    /// keys must be read too: a service that moved or left still holds its old key.
    public var replaced: [Service]
    /// Something besides services changed (prune mode, kernel timeouts, ...): only a full pass
    /// can tell what that means for the table.
    public var settingsChanged: Bool

    public init(from old: Config, to new: Config) {
        settingsChanged = old.settings != new.settings
        var oldIndex: [String: Int] = [:]
        oldIndex.reserveCapacity(old.services.count)
        for (position, service) in old.services.enumerated() { oldIndex[service.id] = position }
        changed = []
        replaced = []
        for service in new.services {
            guard let position = oldIndex.removeValue(forKey: service.id) else {
                changed.append(service)
                continue
            }
            let before = old.services[position]
            if before != service {
                changed.append(service)
                replaced.append(before)
            }
        }
        for position in oldIndex.values.sorted() { replaced.append(old.services[position]) }
    }

    /// Nothing to plan.
    public var isEmpty: Bool { changed.isEmpty && replaced.isEmpty && !settingsChanged }

    /// The ids of every touched service, old and new.
    public var ids: Set<String> { Set(changed.map(\.id) + replaced.map(\.id)) }
}
