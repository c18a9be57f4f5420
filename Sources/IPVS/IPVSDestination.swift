public import Addresses

/// A real server behind a virtual service, and how packets reach it.
///
/// Equality and hashing compare the configuration only (address, port, forwarding, weight,
/// thresholds, tunnel settings), never the read-only connection counts and ``stats``, so a
/// reconciler can compare what it reads with what it wants directly.
public struct IPVSDestination: Sendable, Hashable, CustomStringConvertible {
    /// What identifies a destination within its service.
    public struct Key: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var address: IPAddress
        public var port: UInt16

        public init(address: IPAddress, port: UInt16) {
            self.address = address
            self.port = port
        }

        public static func < (lhs: Key, rhs: Key) -> Bool {
            lhs.address != rhs.address ? lhs.address < rhs.address : lhs.port < rhs.port
        }

        public var description: String {
            address.family == .ipv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
        }
    }

    /// The real server's address. Its family may differ from the service's only with tunnel
    /// forwarding (the kernel answers EINVAL otherwise).
    public var address: IPAddress
    /// The real server's port (ignored by the kernel for direct routing and tunnels).
    public var port: UInt16
    /// How packets are forwarded.
    public var forwarding: IPVSForwarding
    /// Scheduling weight; 0 stops new connections (drain). The kernel rejects negative
    /// weights with ERANGE; the type is signed so that mistake can be expressed and reported.
    public var weight: Int32
    /// Upper connection threshold (0: none).
    public var upperThreshold: UInt32
    /// Lower connection threshold (0: none); must not exceed the upper one.
    public var lowerThreshold: UInt32
    /// Tunnel encapsulation (with ``IPVSForwarding/tunnel``).
    public var tunnelType: IPVSTunnelType
    /// Destination UDP port of GUE encapsulation (required for GUE).
    public var tunnelPort: UInt16
    /// Checksum options of GUE/GRE encapsulation.
    public var tunnelFlags: IPVSTunnelFlags
    /// Established connections (read-only).
    public package(set) var activeConnections: UInt32 = 0
    /// Connections not established or closing (read-only).
    public package(set) var inactiveConnections: UInt32 = 0
    /// Persistence templates pointing at this destination (read-only).
    public package(set) var persistentConnections: UInt32 = 0
    /// Counters and rates (read-only).
    public package(set) var stats: IPVSStats = .zero

    public init(
        address: IPAddress,
        port: UInt16,
        forwarding: IPVSForwarding = .masquerade,
        weight: Int32 = 1,
        upperThreshold: UInt32 = 0,
        lowerThreshold: UInt32 = 0,
        tunnelType: IPVSTunnelType = .ipip,
        tunnelPort: UInt16 = 0,
        tunnelFlags: IPVSTunnelFlags = []
    ) {
        self.address = address
        self.port = port
        self.forwarding = forwarding
        self.weight = weight
        self.upperThreshold = upperThreshold
        self.lowerThreshold = lowerThreshold
        self.tunnelType = tunnelType
        self.tunnelPort = tunnelPort
        self.tunnelFlags = tunnelFlags
    }

    /// The destination's identity within its service.
    public var key: Key { Key(address: address, port: port) }

    public static func == (lhs: IPVSDestination, rhs: IPVSDestination) -> Bool {
        lhs.address == rhs.address && lhs.port == rhs.port && lhs.forwarding == rhs.forwarding
            && lhs.weight == rhs.weight && lhs.upperThreshold == rhs.upperThreshold
            && lhs.lowerThreshold == rhs.lowerThreshold && lhs.tunnelType == rhs.tunnelType
            && lhs.tunnelPort == rhs.tunnelPort && lhs.tunnelFlags == rhs.tunnelFlags
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(address)
        hasher.combine(port)
        hasher.combine(forwarding)
        hasher.combine(weight)
        hasher.combine(upperThreshold)
        hasher.combine(lowerThreshold)
        hasher.combine(tunnelType)
        hasher.combine(tunnelPort)
        hasher.combine(tunnelFlags)
    }

    public var description: String { "-r \(key) " + ipvsadmDestinationOptions.joined(separator: " ") }
}

/// How IPVS forwards packets to a destination (`IP_VS_CONN_F_FWD_MASK` bits).
public struct IPVSForwarding: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue & 0x7 }

    /// NAT (`ipvsadm -m`).
    public static let masquerade = IPVSForwarding(rawValue: 0)
    /// Local node (read back only; the kernel's own address).
    public static let localNode = IPVSForwarding(rawValue: 1)
    /// IP-in-IP / GUE / GRE tunnel (`ipvsadm -i`).
    public static let tunnel = IPVSForwarding(rawValue: 2)
    /// Direct routing, "gatewaying" (`ipvsadm -g`).
    public static let directRoute = IPVSForwarding(rawValue: 3)
    /// Cache bypass (read back only).
    public static let bypass = IPVSForwarding(rawValue: 4)

    public var description: String {
        switch self {
        case .masquerade: "masq"
        case .localNode: "local"
        case .tunnel: "tunnel"
        case .directRoute: "route"
        case .bypass: "bypass"
        default: "fwd \(rawValue)"
        }
    }
}

/// The encapsulation of a tunnel destination (`IPVS_DEST_ATTR_TUN_TYPE`).
public struct IPVSTunnelType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// IP-in-IP (the default).
    public static let ipip = IPVSTunnelType(rawValue: 0)
    /// Generic UDP Encapsulation; needs a tunnel port.
    public static let gue = IPVSTunnelType(rawValue: 1)
    /// GRE.
    public static let gre = IPVSTunnelType(rawValue: 2)

    public var description: String {
        switch self {
        case .ipip: "ipip"
        case .gue: "gue"
        case .gre: "gre"
        default: "tunnel type \(rawValue)"
        }
    }
}

/// Checksum options of GUE/GRE tunnels (`IP_VS_TUNNEL_ENCAP_FLAG_*`); empty means no checksum.
public struct IPVSTunnelFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Outer checksum (`--tun-csum`).
    public static let checksum = IPVSTunnelFlags(rawValue: 0x1)
    /// Remote checksum offload (`--tun-remcsum`).
    public static let remoteChecksum = IPVSTunnelFlags(rawValue: 0x2)
}
