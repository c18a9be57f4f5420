public import IPVS

/// What the kernel's IPVS table should hold: the validated file (later with the REST overlay
/// and health-adjusted weights), translated into kernel objects. One input of ``Planner``.
public struct DesiredState: Sendable, Hashable {
    /// Services in the order the file lists them.
    public var services: [DesiredService]
    /// The global timeouts to set; zero fields are left alone.
    public var timeouts: IPVSTimeouts?
    /// Ids of services that could not be translated this pass (their interface has no address
    /// yet): whatever the kernel holds for them is left exactly as it is, never deleted.
    public var held: Set<String>

    public init(services: [DesiredService] = [], timeouts: IPVSTimeouts? = nil, held: Set<String> = []) {
        self.services = services
        self.timeouts = timeouts
        self.held = held
    }

    public subscript(key: IPVSService.Key) -> DesiredService? { services.first { $0.service.key == key } }
}

/// One service as the kernel should hold it, with the ids the operator knows it by.
public struct DesiredService: Sendable, Hashable {
    /// The service id from the file (`web`).
    public var id: String
    public var service: IPVSService
    /// Destinations in the order written.
    public var destinations: [DesiredDestination]

    public init(id: String, service: IPVSService, destinations: [DesiredDestination] = []) {
        self.id = id
        self.service = service
        self.destinations = destinations
    }
}

/// One destination as the kernel should hold it.
public struct DesiredDestination: Sendable, Hashable {
    /// The backend id from the file (`web-1`).
    public var id: String
    public var destination: IPVSDestination
    /// How long it drains once removed (remembered in ``Ownership`` for when it is gone from the
    /// file).
    public var drain: Duration

    public init(id: String, destination: IPVSDestination, drain: Duration) {
        self.id = id
        self.destination = destination
        self.drain = drain
    }
}
