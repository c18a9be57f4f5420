public import Netlink
public import Spec

/// The kernel's view of the services and backends in force, by id: connection counts and traffic
/// counters for `GET /metrics`. Objects the kernel does not hold (yet) are simply absent.
public struct KernelObservation: Sendable {
    public var services: [String: IPVSService] = [:]
    /// Service id → backend id → destination.
    public var backends: [String: [String: IPVSDestination]] = [:]

    public init() {}

    /// Each backend's weight in the kernel, service id → backend id → weight: where health checks
    /// resume from after a restart.
    public var weights: [String: [String: Int32]] { backends.mapValues { $0.mapValues(\.weight) } }
}

extension Reconciler {
    /// Reads the kernel and matches what it holds to the ids of `config`.
    public func observe(_ config: Config) throws(ReconcileError) -> KernelObservation {
        let (desired, _) = DesiredState.from(config, interfaces: interfaces)
        var observation = KernelObservation()
        do {
            let actual = try ActualState.read(from: ipvs)
            for service in desired.services {
                guard let held = actual.services[service.service.key] else { continue }
                observation.services[service.id] = held.service
                var byKey: [IPVSDestination.Key: IPVSDestination] = [:]
                for destination in held.destinations { byKey[destination.destination.key] = destination.destination }
                var backends: [String: IPVSDestination] = [:]
                for destination in service.destinations {
                    if let found = byKey[destination.destination.key] { backends[destination.id] = found }
                }
                observation.backends[service.id] = backends
            }
        } catch {
            throw ReconcileError.kernel(error)
        }
        return observation
    }
}
