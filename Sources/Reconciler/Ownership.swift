public import IPVS

/// What this daemon created in the kernel and so may change or delete: invariant 4 ("only owned
/// objects are changed"). Persisted in the state directory, so a restart still knows which hand-made
/// services to leave alone, and how long each removed backend may drain.
public struct Ownership: Sendable, Hashable {
    public var services: [IPVSService.Key: OwnedService]

    public init(services: [IPVSService.Key: OwnedService] = [:]) {
        self.services = services
    }

    public func owns(_ key: IPVSService.Key) -> Bool { services[key] != nil }

    /// The drain time to use for a destination that is no longer desired.
    public func drain(of destination: IPVSDestination.Key, in service: IPVSService.Key) -> Duration? {
        services[service]?.destinations[destination]?.drain
    }
}

/// An owned service: its id and, per destination, the id and drain time it last had in the file.
public struct OwnedService: Sendable, Hashable {
    public var id: String
    public var destinations: [IPVSDestination.Key: OwnedDestination]

    public init(id: String, destinations: [IPVSDestination.Key: OwnedDestination] = [:]) {
        self.id = id
        self.destinations = destinations
    }
}

/// An owned destination.
public struct OwnedDestination: Sendable, Hashable {
    public var id: String
    public var drain: Duration
    /// When its drain ends (wall clock), once it is draining.
    public var drainDeadline: WallTime?

    public init(id: String, drain: Duration, drainDeadline: WallTime? = nil) {
        self.id = id
        self.drain = drain
        self.drainDeadline = drainDeadline
    }
}

/// Seconds since the Unix epoch. Wall-clock, not monotonic, because drain deadlines outlive the
/// process (they are persisted and must still mean something after a restart).
public struct WallTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var seconds: Double

    public init(seconds: Double) {
        self.seconds = seconds
    }

    public static func < (lhs: WallTime, rhs: WallTime) -> Bool { lhs.seconds < rhs.seconds }

    public static func + (lhs: WallTime, rhs: Duration) -> WallTime {
        let (whole, atto) = rhs.components
        return WallTime(seconds: lhs.seconds + Double(whole) + Double(atto) / 1e18)
    }

    public var description: String { "\(seconds)" }
}
