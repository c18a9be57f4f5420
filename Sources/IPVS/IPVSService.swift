public import Addresses

/// A virtual service: what clients connect to, and how IPVS picks a destination for them.
///
/// Designed for a reconciler to diff: equality and hashing compare the configuration only
/// (key, scheduler, flags, timeout, persistence netmask, persistence engine), never the
/// read-only ``stats``, so `actual == desired` means "nothing to change". Values read back from
/// the kernel are normalised the same way the kernel stores them (no `HASHED` flag, addresses
/// of the service's family, `"none"` for no scheduler), so a service read back equals the one
/// written.
public struct IPVSService: Sendable, Hashable, CustomStringConvertible {
    /// What identifies a service in the kernel's table.
    public enum Key: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// An address, port and protocol (`ipvsadm -t/-u/--sctp-service ADDR:PORT`).
        case socket(TransportProtocol, IPAddress, port: UInt16)
        /// A firewall mark set by netfilter rules (`ipvsadm -f MARK`), for one family. The
        /// kernel stores these with protocol TCP and no address.
        case firewallMark(UInt32, family: AddressFamily)

        /// A TCP service.
        public static func tcp(_ address: IPAddress, _ port: UInt16) -> Key { .socket(.tcp, address, port: port) }
        /// A UDP service.
        public static func udp(_ address: IPAddress, _ port: UInt16) -> Key { .socket(.udp, address, port: port) }
        /// An SCTP service.
        public static func sctp(_ address: IPAddress, _ port: UInt16) -> Key { .socket(.sctp, address, port: port) }

        /// The address family of the service.
        public var family: AddressFamily {
            switch self {
            case .socket(_, let address, _): address.family
            case .firewallMark(_, let family): family
            }
        }

        /// `TCP 192.0.2.1:80`, `UDP [2001:db8::1]:53`, `FWM 17` / `FWM 17 IPv6`.
        public var description: String {
            switch self {
            case .socket(let proto, let address, let port):
                return "\(proto.name?.uppercased() ?? proto.description) \(address.family == .ipv6 ? "[\(address)]" : "\(address)"):\(port)"
            case .firewallMark(let mark, let family):
                return family == .ipv4 ? "FWM \(mark)" : "FWM \(mark) IPv6"
            }
        }

        /// Socket services first (by address, port, protocol), then firewall marks.
        public static func < (lhs: Key, rhs: Key) -> Bool {
            switch (lhs, rhs) {
            case (.socket(let lp, let la, let lport), .socket(let rp, let ra, let rport)):
                if la != ra { return la < ra }
                if lport != rport { return lport < rport }
                return lp.rawValue < rp.rawValue
            case (.socket, .firewallMark): return true
            case (.firewallMark, .socket): return false
            case (.firewallMark(let lm, let lf), .firewallMark(let rm, let rf)):
                return lf != rf ? lf == .ipv4 : lm < rm
            }
        }
    }

    /// The service's identity.
    public var key: Key
    /// The scheduler name (`wrr`, `mh`, ...); the kernel loads module `ip_vs_<name>` on
    /// demand. `"none"` binds no scheduler.
    public var scheduler: String
    /// Configuration flags; ``IPVSServiceFlags/hashed`` is always removed.
    public var flags: IPVSServiceFlags {
        didSet { flags.remove(.hashed) }
    }
    /// Persistence timeout in seconds (meaningful with ``IPVSServiceFlags/persistent``).
    public var timeout: UInt32
    /// Persistence granularity as a prefix length: clients in the same /N stick together.
    /// 32 (IPv4) or 128 (IPv6) means per client address. On the wire IPv4 uses a big-endian
    /// mask and IPv6 a host-order prefix length; this type hides the difference.
    public var persistencePrefixLength: UInt8
    /// The persistence engine (`sip`), or `nil` for none.
    public var persistenceEngine: String?
    /// Counters and rates (read-only; not part of equality).
    public package(set) var stats: IPVSStats

    /// - Parameters:
    ///   - persistencePrefixLength: defaults to the family's full width (32 or 128), which is
    ///     what `ipvsadm` sends when `-M` is not given.
    public init(
        key: Key,
        scheduler: String = "wlc",
        flags: IPVSServiceFlags = [],
        timeout: UInt32 = 0,
        persistencePrefixLength: UInt8? = nil,
        persistenceEngine: String? = nil
    ) {
        self.key = key
        self.scheduler = scheduler
        self.flags = flags.subtracting(.hashed)
        self.timeout = timeout
        self.persistencePrefixLength = persistencePrefixLength ?? UInt8(key.family.bitWidth)
        self.persistenceEngine = persistenceEngine
        self.stats = .zero
    }

    /// A persistent service (`ipvsadm -p TIMEOUT`).
    public var isPersistent: Bool { flags.contains(.persistent) }

    public static func == (lhs: IPVSService, rhs: IPVSService) -> Bool {
        lhs.key == rhs.key && lhs.scheduler == rhs.scheduler && lhs.flags == rhs.flags && lhs.timeout == rhs.timeout
            && lhs.persistencePrefixLength == rhs.persistencePrefixLength && lhs.persistenceEngine == rhs.persistenceEngine
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(scheduler)
        hasher.combine(flags)
        hasher.combine(timeout)
        hasher.combine(persistencePrefixLength)
        hasher.combine(persistenceEngine)
    }

    public var description: String { ipvsadmArguments.joined(separator: " ") }
}
