import Addresses
public import IPVS
public import Spec

/// The kernel's view of the services and backends in force, by id: weights, connection counts
/// and traffic counters. Objects the kernel does not hold (yet) are simply absent.
public struct KernelObservation: Sendable {
    public var services: [String: IPVSService] = [:]
    /// Service id → backend id → destination.
    public var backends: [String: [String: IPVSDestination]] = [:]
    /// When the kernel was read.
    public var readAt: WallTime?

    public init() {}

    /// Matches what the kernel holds (`actual`) to the ids of `desired`.
    public init(desired: DesiredState, actual: ActualState, readAt: WallTime) {
        self.readAt = readAt
        for service in desired.services {
            guard let held = actual.services[service.service.key] else { continue }
            services[service.id] = held.service
            var byKey: [IPVSDestination.Key: IPVSDestination] = [:]
            for destination in held.destinations { byKey[destination.destination.key] = destination.destination }
            var found: [String: IPVSDestination] = [:]
            for destination in service.destinations {
                if let held = byKey[destination.destination.key] { found[destination.id] = held }
            }
            backends[service.id] = found
        }
    }

    /// Each backend's weight in the kernel, service id → backend id → weight: where health checks
    /// resume from after a restart.
    public var weights: [String: [String: Int32]] { backends.mapValues { $0.mapValues(\.weight) } }
}

extension Reconciler {
    /// Reads the kernel and matches what it holds to the ids of `config`.
    public func observe(_ config: Config) throws(ReconcileError) -> KernelObservation {
        let (desired, _) = DesiredState.from(config, interfaces: interfaces)
        do {
            return KernelObservation(desired: desired, actual: try ActualState.read(from: ipvs), readAt: now())
        } catch {
            throw ReconcileError.kernel(error)
        }
    }
}

/// What the kernel holds of one object of the config, read for one request (`GET /service/{id}`,
/// `GET /service/{id}/{backend}`): only that object, never the whole table.
public struct ObjectObservation<Object: Sendable>: Sendable {
    /// The kernel's object with its counters; `nil` when the kernel does not hold it (yet).
    public var object: Object?
    /// When it was read.
    public var readAt: WallTime

    public init(object: Object?, readAt: WallTime) {
        self.object = object
        self.readAt = readAt
    }
}

/// Why one object could not be read from the kernel.
public enum ObservationError: Error, Sendable, CustomStringConvertible {
    /// The VIP's interface has no address, so the kernel's key is unknown.
    case interface(InterfaceAddressError)
    case kernel(IPVSError)

    public var description: String {
        switch self {
        case .interface(let error): "the service's VIP is unknown: \(error)"
        case .kernel(let error): "\(error)"
        }
    }
}

extension Reconciler {
    /// Reads one service from the kernel (`IPVS_CMD_GET_SERVICE`, one round trip).
    public func observe(_ service: Service) throws(ObservationError) -> ObjectObservation<IPVSService> {
        let key = try serviceKey(service)
        do {
            return ObjectObservation(object: try ipvs.service(key), readAt: now())
        } catch where error.code == .serviceNotFound {
            return ObjectObservation(object: nil, readAt: now())
        } catch {
            throw .kernel(error)
        }
    }

    /// Reads one backend from the kernel: the destinations of its service (a dump: the kernel has
    /// no command for one destination), matched by address and port.
    public func observe(_ backend: Backend, of service: Service) throws(ObservationError) -> ObjectObservation<IPVSDestination> {
        let key = try serviceKey(service)
        let wanted = IPVSDestination.Key(address: backend.address, port: backend.port)
        do {
            let found = try ipvs.destinations(of: key).first { $0.key == wanted }
            return ObjectObservation(object: found, readAt: now())
        } catch {
            throw .kernel(error)
        }
    }

    private func serviceKey(_ service: Service) throws(ObservationError) -> IPVSService.Key {
        do {
            return try DesiredState.key(of: service, interfaces: interfaces)
        } catch {
            throw .interface(error)
        }
    }
}
