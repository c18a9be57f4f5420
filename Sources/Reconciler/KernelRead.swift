public import IPVS

/// What a pass read from the kernel, brought up to what the pass then did, kept as read: it is
/// matched to the file's ids only when someone looks (one service for a REST read), so a pass
/// pays nothing for publishing it, however large the table.
public struct KernelRead: Sendable {
    private let desired: DesiredState
    private let actual: ActualState
    /// The subjects (`web`, `web/web-1`) whose change failed; `nil`: the pass changed nothing.
    private let failed: Set<String>?
    private let positions: [String: Int]
    /// Services read again since (by passes over what changed): their objects as those passes
    /// left them, in place of what this read holds. `nil` objects: no longer desired.
    private var newer: [String: Objects] = [:]
    /// When the kernel was read (at the start of the pass; the latest pass's, when later passes
    /// re-read the services they changed).
    public private(set) var readAt: WallTime

    /// One service's objects in the kernel: the service and its backends by id.
    public typealias Objects = (service: IPVSService?, backends: [String: IPVSDestination])

    init(desired: DesiredState, actual: ActualState, failures: [ReconcileProblem]?, readAt: WallTime) {
        self.desired = desired
        self.actual = actual
        self.failed = failures.map { Set($0.map(\.subject)) }
        self.readAt = readAt
        var positions: [String: Int] = [:]
        positions.reserveCapacity(desired.services.count)
        for (position, service) in desired.services.enumerated() { positions[service.id] = position }
        self.positions = positions
    }

    /// The kernel's service `id` and its backends by id, after the pass: what it read, with the
    /// desired weight wherever the pass's change succeeded (a created object has no traffic yet).
    public func objects(of id: String) -> (service: IPVSService?, backends: [String: IPVSDestination]) {
        if let objects = newer[id] { return objects }
        guard let position = positions[id] else { return (nil, [:]) }
        let wanted = desired.services[position]
        let held = actual.services[wanted.service.key]
        var byKey: [IPVSDestination.Key: IPVSDestination] = [:]
        for destination in held?.destinations ?? [] { byKey[destination.destination.key] = destination.destination }
        var backends: [String: IPVSDestination] = [:]
        guard let failed, !failed.contains(id) else {
            for destination in wanted.destinations {
                if let found = byKey[destination.destination.key] { backends[destination.id] = found }
            }
            return (held?.service, backends)
        }
        for destination in wanted.destinations {
            let found = byKey[destination.destination.key]
            if failed.contains("\(id)/\(destination.id)") {
                backends[destination.id] = found
            } else if var found {
                found.weight = destination.destination.weight
                backends[destination.id] = found
            } else {
                backends[destination.id] = destination.destination
            }
        }
        return (held?.service ?? wanted.service, backends)
    }

    /// This read with the services `ids` as a later, partial read (`fresh`) has them.
    func replacing(_ ids: Set<String>, with fresh: KernelRead) -> KernelRead {
        var merged = self
        for id in ids { merged.newer[id] = fresh.objects(of: id) }
        merged.readAt = fresh.readAt
        return merged
    }
}
