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
    /// When the kernel was read (at the start of the pass).
    public let readAt: WallTime

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
}
