public import Checks
public import Spec

/// `effective = (file ⊕ overlay) × health`: the weight each backend gets in the kernel, from the
/// desired config and the health checks' verdicts, in one pure function.
///
/// - A checked backend gets its desired weight scaled by its verdict's ``HealthFactor`` (0 when
///   down, a tenth at a time while ramping, capped at what the kernel held after a restart).
/// - A backend the checks have not met yet (a change newer than their last verdicts) starts as
///   the checks will start it (``HealthVerdict/unchecked(_:)``): `pulse.initial` decides.
/// - A service's fallback (sorry server) gets its weight only while fewer than `quorum` of the
///   other backends count as healthy, and 0 otherwise.
///
/// Values in, values out: the checks never see the weights, and nothing here calls anyone.
public struct Composition: Sendable {
    /// The desired config with every backend's weight replaced by the weight in force.
    public private(set) var effective: Config
    /// Each service's standing against its quorum, by service id.
    public private(set) var standings: [String: Standing]

    /// A service's healthy backends against its quorum.
    public struct Standing: Sendable, Hashable {
        /// Backends (fallback not counted) that are up, or not checked yet and not held down.
        public var healthy: Int
        /// Backends, fallback not counted.
        public var total: Int
        public var quorum: Int

        /// At least `quorum` healthy backends: the fallback stays out.
        public var up: Bool { healthy >= quorum }
    }

    public init(_ desired: Config, health: HealthVerdicts) {
        effective = desired
        standings = [:]
        standings.reserveCapacity(desired.services.count)
        for serviceIndex in desired.services.indices { compose(serviceIndex, of: desired, health) }
    }

    /// `previous` (made from `previousDesired` with the same verdicts) brought up to `desired`:
    /// only the services that differ are composed again, so a REST API change costs its
    /// services, not the table (the other services' results are the same values).
    public init(_ desired: Config, health: HealthVerdicts, previous: Composition, previousDesired: Config) {
        effective = desired
        standings = [:]
        guard previousDesired.services.count == previous.effective.services.count else {
            for serviceIndex in desired.services.indices { compose(serviceIndex, of: desired, health) }
            return
        }
        standings = previous.standings
        var positions: [String: Int] = [:]
        positions.reserveCapacity(previousDesired.services.count)
        for (position, service) in previousDesired.services.enumerated() { positions[service.id] = position }
        var present = Set<String>()
        present.reserveCapacity(desired.services.count)
        for (serviceIndex, service) in desired.services.enumerated() {
            present.insert(service.id)
            if let position = positions[service.id], previousDesired.services[position] == service {
                effective.services[serviceIndex] = previous.effective.services[position]
            } else {
                compose(serviceIndex, of: desired, health)
            }
        }
        if standings.count > present.count { standings = standings.filter { present.contains($0.key) } }
    }

    private mutating func compose(_ serviceIndex: Int, of desired: Config, _ health: HealthVerdicts) {
        let service = desired.services[serviceIndex]
        var standing = Standing(healthy: 0, total: 0, quorum: service.quorum)
        var fallbackIndex: Int?
        for (index, backend) in service.backends.enumerated() {
            if backend.fallback {
                fallbackIndex = index
                continue
            }
            let verdict = health[service.id, backend.id] ?? .unchecked(backend)
            standing.total += 1
            if verdict.countsAsHealthy { standing.healthy += 1 }
            let weight = verdict.factor.weight(desired: backend.weight)
            // Written only where health changes it: a healthy table is never copied.
            if weight != backend.weight { effective.services[serviceIndex].backends[index].weight = weight }
        }
        if let fallbackIndex, standing.up { effective.services[serviceIndex].backends[fallbackIndex].weight = 0 }
        standings[service.id] = standing
    }

    /// No health checks (`apply`, `plan`, tests without a monitor): the desired config as it is.
    public init(unchecked desired: Config) {
        effective = desired
        standings = [:]
    }
}
