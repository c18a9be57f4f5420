public import YAMLBridge

/// A service (IPVS virtual server) as written: GORB's `ServiceOptions` (`host`, `port`,
/// `protocol`, `method`, `persistent`, `flags`) plus fwmark services, persistence granularity and
/// engine, one-packet scheduling, a pulse inherited by its backends, and the backends themselves.
public struct ServiceOptions: Sendable, Hashable, Encodable, NodeReadable {
    /// The virtual IP; omitted: the first address of `settings.interface` (or `run -i`).
    public var host: String?
    /// The virtual port (0 only for a persistent "all ports" service).
    public var port: UInt16?
    /// `tcp` (default), `udp` or `sctp`.
    public var `protocol`: String?
    /// A firewall mark, instead of host/port/protocol.
    public var fwmark: UInt32?
    /// The address family of a fwmark service: `ipv4` (default) or `ipv6`.
    public var family: String?
    /// The IPVS scheduler (GORB's name for it): `wrr` by default.
    public var method: String?
    /// Persistence: `true` (300s), `false`, or a timeout.
    public var persistent: PersistenceValue?
    /// Persistence granularity: an IPv4 mask or a prefix length.
    public var netmask: NetmaskValue?
    /// Persistence engine (`sip`).
    public var persistenceEngine: String?
    /// One-packet scheduling (UDP): schedule every datagram on its own.
    public var onePacket: Bool?
    /// Scheduler flags, as a list or GORB's `a|b` string.
    public var flags: FlagList?
    /// The pulse the backends of this service inherit.
    public var pulse: PulseOptions?
    /// The fewest healthy backends (fallbacks not counted) for the service to be up (default 1);
    /// below it the service is reported down and its `fallback` backend takes the traffic.
    public var quorum: Int?
    /// The backends, by id, in the order written.
    public var backends: OrderedEntries<BackendOptions>?
    /// How the service is registered in Consul (`ConsulOptions.swift`).
    public var consul: ServiceConsulOptions?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port, `protocol`, fwmark, family, method, persistent, netmask
        case persistenceEngine = "persistence-engine"
        case onePacket = "one-packet"
        case flags, pulse, quorum, backends
        case consul
    }
    static let fieldNames = FieldNames(CodingKeys.self)

    public init(
        host: String? = nil,
        port: UInt16? = nil,
        protocol: String? = nil,
        fwmark: UInt32? = nil,
        method: String? = nil,
        backends: OrderedEntries<BackendOptions>? = nil
    ) {
        self.host = host
        self.port = port
        self.protocol = `protocol`
        self.fwmark = fwmark
        self.method = method
        self.backends = backends
    }

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        var reader = try FieldReader<CodingKeys>(node, fields: Self.fieldNames, in: &context)
        host = reader.read(.host, in: &context)
        port = reader.read(.port, in: &context)
        `protocol` = reader.read(.protocol, in: &context)
        fwmark = reader.read(.fwmark, in: &context)
        family = reader.read(.family, in: &context)
        method = reader.read(.method, in: &context)
        persistent = reader.read(.persistent, in: &context)
        netmask = reader.read(.netmask, in: &context)
        persistenceEngine = reader.read(.persistenceEngine, in: &context)
        onePacket = reader.read(.onePacket, in: &context)
        flags = reader.read(.flags, in: &context)
        pulse = reader.read(.pulse, in: &context)
        quorum = reader.read(.quorum, in: &context)
        backends = reader.read(.backends, in: &context)
        consul = reader.read(.consul, in: &context)
        source = reader.source
    }

    /// `self` with its missing fields taken from `base` (the `defaults.service` section); the pulse
    /// is merged separately, along its whole chain (``PulseOptions/merge(_:)``).
    public func inheriting(from base: ServiceOptions?) -> ServiceOptions {
        guard let base else { return self }
        var merged = self
        merged.protocol = `protocol` ?? base.protocol
        merged.method = method ?? base.method
        merged.persistent = persistent ?? base.persistent
        merged.netmask = netmask ?? base.netmask
        merged.persistenceEngine = persistenceEngine ?? base.persistenceEngine
        merged.onePacket = onePacket ?? base.onePacket
        merged.flags = flags ?? base.flags
        merged.quorum = quorum ?? base.quorum
        merged.consul = consul ?? base.consul
        return merged
    }
}
