public import Addresses

/// One IPVS destination (a real server) of a service, resolved.
public struct Backend: Sendable, Hashable, Identifiable {
    public var id: String
    public var address: IPAddress
    public var port: UInt16
    /// The weight the file asks for; health checks scale the weight actually given to the kernel.
    public var weight: Int32
    public var forwarding: Forwarding
    /// Upper connection threshold (0: none).
    public var upperThreshold: UInt32
    /// Lower connection threshold (0: none).
    public var lowerThreshold: UInt32
    /// How long a removed backend drains before it is deleted.
    public var drain: Duration
    public var pulse: Pulse
    /// The service's sorry server (keepalived's `sorry_server`): not probed, and given its weight
    /// only while the service has fewer healthy backends than its quorum (weight 0 otherwise).
    public var fallback: Bool

    public init(
        id: String,
        address: IPAddress,
        port: UInt16,
        weight: Int32 = Defaults.weight,
        forwarding: Forwarding = .nat,
        upperThreshold: UInt32 = 0,
        lowerThreshold: UInt32 = 0,
        drain: Duration = Defaults.drain,
        pulse: Pulse = Pulse(),
        fallback: Bool = false
    ) {
        self.id = id
        self.address = address
        self.port = port
        self.weight = weight
        self.forwarding = forwarding
        self.upperThreshold = upperThreshold
        self.lowerThreshold = lowerThreshold
        self.drain = drain
        self.pulse = pulse
        self.fallback = fallback
    }
}

/// The forwarding method, with the tunnel's settings when it is a tunnel.
public enum Forwarding: Sendable, Hashable, CustomStringConvertible {
    case nat
    case tunnel(Tunnel)
    case dr

    public var method: ForwardingMethod {
        switch self {
        case .nat: .nat
        case .tunnel: .tunnel
        case .dr: .dr
        }
    }

    public var description: String { method.rawValue }
}

/// Tunnel encapsulation of a tunnelled backend.
public struct Tunnel: Sendable, Hashable {
    public var type: TunnelType
    /// The GUE port (0 for ipip and gre).
    public var port: UInt16
    public var checksum: TunnelChecksum

    public init(type: TunnelType = .ipip, port: UInt16 = 0, checksum: TunnelChecksum = .none) {
        self.type = type
        self.port = port
        self.checksum = checksum
    }
}

/// The built-in defaults, where the file says nothing. GORB's where GORB had one.
public enum Defaults {
    public static let scheduler = Scheduler.wrr
    public static let `protocol` = TransportProtocol.tcp
    public static let weight: Int32 = 100
    public static let forwarding = ForwardingMethod.nat
    public static let drain = Duration.seconds(300)
    public static let persistenceTimeout: UInt32 = 300
    public static let resync = Duration.seconds(30)
    public static let pulseType = PulseType.tcp
    public static let pulseInterval = Duration.seconds(60)
    public static let pulseTimeout = Duration.seconds(5)
    public static let rise = 2
    public static let fall = 3
    public static let ramp = Duration.seconds(30)
    public static let quorum = 1
}
