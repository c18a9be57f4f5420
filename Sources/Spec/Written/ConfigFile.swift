public import YAMLBridge

/// The whole file as written: `settings`, `defaults` and `services`, before any default is applied
/// or any rule checked. ``Config`` is what it resolves to.
public struct ConfigFile: Sendable, Hashable, Encodable, NodeReadable {
    public var settings: SettingsOptions?
    public var defaults: DefaultsOptions?
    public var services: OrderedEntries<ServiceOptions>?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case settings, defaults, services
    }
    static let fieldNames = FieldNames(CodingKeys.self)

    public init(settings: SettingsOptions? = nil, defaults: DefaultsOptions? = nil, services: OrderedEntries<ServiceOptions>? = nil) {
        self.settings = settings
        self.defaults = defaults
        self.services = services
    }

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        var reader = try FieldReader<CodingKeys>(node, fields: Self.fieldNames, in: &context)
        settings = reader.read(.settings, in: &context)
        defaults = reader.read(.defaults, in: &context)
        services = reader.read(.services, in: &context)
        source = reader.source
    }
}

/// `settings:`, the daemon-wide options.
public struct SettingsOptions: Sendable, Hashable, Encodable, NodeReadable {
    /// The interface whose first address is the VIP of services without `host`.
    public var interface: String?
    /// How often the kernel is re-read and drift repaired (default 30s).
    public var resync: DurationValue?
    /// `owned` (default) or `all`.
    public var prune: String?
    /// The kernel's IPVS connection timeouts; those not given are left as they are.
    public var timeouts: TimeoutOptions?
    /// Service registration in Consul (`ConsulOptions.swift`).
    public var consul: ConsulSettingsOptions?
    /// Where the REST API's overrides live when several balancers share them (``StoreOptions``).
    public var store: StoreOptions?
    /// Where the daemon keeps the VIPs as addresses; absent: it never adds or removes one.
    public var vips: VIPOptions?
    /// Announcing the VIPs through BIRD (``BGPOptions``).
    public var bgp: BGPOptions?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case interface, resync, prune, timeouts
        case consul
        case store
        case vips
        case bgp
    }
    static let fieldNames = FieldNames(CodingKeys.self)

    public init() {}

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        var reader = try FieldReader<CodingKeys>(node, fields: Self.fieldNames, in: &context)
        interface = reader.read(.interface, in: &context)
        resync = reader.read(.resync, in: &context)
        prune = reader.read(.prune, in: &context)
        timeouts = reader.read(.timeouts, in: &context)
        consul = reader.read(.consul, in: &context)
        store = reader.read(.store, in: &context)
        vips = reader.read(.vips, in: &context)
        bgp = reader.read(.bgp, in: &context)
        source = reader.source
    }
}

/// `settings.timeouts:`, ipvsadm's `--set tcp tcpfin udp`.
public struct TimeoutOptions: Sendable, Hashable, Encodable, NodeReadable {
    public var tcp: DurationValue?
    public var tcpfin: DurationValue?
    public var udp: DurationValue?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case tcp, tcpfin, udp
    }
    static let fieldNames = FieldNames(CodingKeys.self)

    public init() {}

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        var reader = try FieldReader<CodingKeys>(node, fields: Self.fieldNames, in: &context)
        tcp = reader.read(.tcp, in: &context)
        tcpfin = reader.read(.tcpfin, in: &context)
        udp = reader.read(.udp, in: &context)
        source = reader.source
    }
}

/// `defaults:`, what services and backends inherit when they leave a field out.
public struct DefaultsOptions: Sendable, Hashable, Encodable, NodeReadable {
    /// Any service field except `host`, `port`, `fwmark`, `family` and `backends`.
    public var service: ServiceOptions?
    /// Any backend field except `host` and `port`.
    public var backend: BackendOptions?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case service, backend
    }
    static let fieldNames = FieldNames(CodingKeys.self)

    public init(service: ServiceOptions? = nil, backend: BackendOptions? = nil) {
        self.service = service
        self.backend = backend
    }

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        var reader = try FieldReader<CodingKeys>(node, fields: Self.fieldNames, in: &context)
        service = reader.read(.service, in: &context)
        backend = reader.read(.backend, in: &context)
        source = reader.source
    }
}
