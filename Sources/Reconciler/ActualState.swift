public import IPVS

/// What the kernel's IPVS table holds now: one full read, the other input of ``Planner``.
public struct ActualState: Sendable, Hashable {
    public var services: [IPVSService.Key: ActualService]
    public var timeouts: IPVSTimeouts?

    public init(services: [ActualService] = [], timeouts: IPVSTimeouts? = nil) {
        var table: [IPVSService.Key: ActualService] = [:]
        for service in services { table[service.service.key] = service }
        self.services = table
        self.timeouts = timeouts
    }

    /// Reads the whole table: one service dump and one destination dump per service.
    public static func read(from ipvs: some IPVS) throws(IPVSError) -> ActualState {
        var services: [ActualService] = []
        for service in try ipvs.services() {
            let destinations = try ipvs.destinations(of: service.key).map {
                ActualDestination($0, connections: UInt64($0.activeConnections) + UInt64($0.inactiveConnections))
            }
            services.append(ActualService(service: service, destinations: destinations))
        }
        return ActualState(services: services, timeouts: try ipvs.timeouts())
    }

    public var destinationCount: Int { services.values.reduce(0) { $0 + $1.destinations.count } }
}

/// A service as read from the kernel.
public struct ActualService: Sendable, Hashable {
    public var service: IPVSService
    public var destinations: [ActualDestination]

    public init(service: IPVSService, destinations: [ActualDestination] = []) {
        self.service = service
        self.destinations = destinations
    }
}

/// A destination as read from the kernel, with the connection count a drain waits on.
public struct ActualDestination: Sendable, Hashable {
    public var destination: IPVSDestination
    /// Active plus inactive connections (inactive includes TIME_WAIT entries).
    public var connections: UInt64

    public init(_ destination: IPVSDestination, connections: UInt64 = 0) {
        self.destination = destination
        self.connections = connections
    }
}
