public import YAMLBridge

/// A service (IPVS virtual server) as written: GORB's `ServiceOptions` (`host`, `port`,
/// `protocol`, `method`, `persistent`, `flags`) plus fwmark services, persistence granularity and
/// engine, one-packet scheduling, a pulse inherited by its backends, and the backends themselves.
public struct ServiceOptions: Sendable, Hashable, Encodable, NodeReadable {
    /// The fields, in a ``SharedValue``: 10,000 services are copied and compared for every REST
    /// change (the overlay applies to the file as written), and nearly all are unchanged.
    private var fields = SharedValue(Fields())

    struct Fields: Sendable, Hashable {
        var host: String?
        var port: UInt16?
        var `protocol`: String?
        var fwmark: UInt32?
        var family: String?
        var method: String?
        var persistent: PersistenceValue?
        var netmask: NetmaskValue?
        var persistenceEngine: String?
        var onePacket: Bool?
        var flags: FlagList?
        var pulse: PulseOptions?
        var quorum: Int?
        var backends: OrderedEntries<BackendOptions>?
        var consul: ServiceConsulOptions?
        var source = SourceMarks()
    }

    /// The virtual IP; omitted: the first address of `settings.interface` (or `run -i`).
    public var host: String? {
        get { fields.value.host }
        _modify { yield &fields.value.host }
    }
    /// The virtual port (0 only for a persistent "all ports" service).
    public var port: UInt16? {
        get { fields.value.port }
        _modify { yield &fields.value.port }
    }
    /// `tcp` (default), `udp` or `sctp`.
    public var `protocol`: String? {
        get { fields.value.`protocol` }
        _modify { yield &fields.value.`protocol` }
    }
    /// A firewall mark, instead of host/port/protocol.
    public var fwmark: UInt32? {
        get { fields.value.fwmark }
        _modify { yield &fields.value.fwmark }
    }
    /// The address family of a fwmark service: `ipv4` (default) or `ipv6`.
    public var family: String? {
        get { fields.value.family }
        _modify { yield &fields.value.family }
    }
    /// The IPVS scheduler (GORB's name for it): `wrr` by default.
    public var method: String? {
        get { fields.value.method }
        _modify { yield &fields.value.method }
    }
    /// Persistence: `true` (300s), `false`, or a timeout.
    public var persistent: PersistenceValue? {
        get { fields.value.persistent }
        _modify { yield &fields.value.persistent }
    }
    /// Persistence granularity: an IPv4 mask or a prefix length.
    public var netmask: NetmaskValue? {
        get { fields.value.netmask }
        _modify { yield &fields.value.netmask }
    }
    /// Persistence engine (`sip`).
    public var persistenceEngine: String? {
        get { fields.value.persistenceEngine }
        _modify { yield &fields.value.persistenceEngine }
    }
    /// One-packet scheduling (UDP): schedule every datagram on its own.
    public var onePacket: Bool? {
        get { fields.value.onePacket }
        _modify { yield &fields.value.onePacket }
    }
    /// Scheduler flags, as a list or GORB's `a|b` string.
    public var flags: FlagList? {
        get { fields.value.flags }
        _modify { yield &fields.value.flags }
    }
    /// The pulse the backends of this service inherit.
    public var pulse: PulseOptions? {
        get { fields.value.pulse }
        _modify { yield &fields.value.pulse }
    }
    /// The fewest healthy backends (fallbacks not counted) for the service to be up (default 1);
    /// below it the service is reported down and its `fallback` backend takes the traffic.
    public var quorum: Int? {
        get { fields.value.quorum }
        _modify { yield &fields.value.quorum }
    }
    /// The backends, by id, in the order written.
    public var backends: OrderedEntries<BackendOptions>? {
        get { fields.value.backends }
        _modify { yield &fields.value.backends }
    }
    /// How the service is registered in Consul (`ConsulOptions.swift`).
    public var consul: ServiceConsulOptions? {
        get { fields.value.consul }
        _modify { yield &fields.value.consul }
    }
    /// Where each field was written (for errors); never compared.
    public var source: SourceMarks {
        get { fields.value.source }
        _modify { yield &fields.value.source }
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port, `protocol`, fwmark, family, method, persistent, netmask
        case persistenceEngine = "persistence-engine"
        case onePacket = "one-packet"
        case flags, pulse, quorum, backends
        case consul
    }
    static let fieldNames = FieldNames(CodingKeys.self)

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(host, forKey: .host)
        try container.encodeIfPresent(port, forKey: .port)
        try container.encodeIfPresent(`protocol`, forKey: .`protocol`)
        try container.encodeIfPresent(fwmark, forKey: .fwmark)
        try container.encodeIfPresent(family, forKey: .family)
        try container.encodeIfPresent(method, forKey: .method)
        try container.encodeIfPresent(persistent, forKey: .persistent)
        try container.encodeIfPresent(netmask, forKey: .netmask)
        try container.encodeIfPresent(persistenceEngine, forKey: .persistenceEngine)
        try container.encodeIfPresent(onePacket, forKey: .onePacket)
        try container.encodeIfPresent(flags, forKey: .flags)
        try container.encodeIfPresent(pulse, forKey: .pulse)
        try container.encodeIfPresent(quorum, forKey: .quorum)
        try container.encodeIfPresent(backends, forKey: .backends)
        try container.encodeIfPresent(consul, forKey: .consul)
    }

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
