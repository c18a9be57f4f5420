/// The whole file as written: `settings`, `defaults` and `services`, before any default is applied
/// or any rule checked. ``Config`` is what it resolves to.
public struct ConfigFile: Sendable, Hashable, Codable {
    public var settings: SettingsOptions?
    public var defaults: DefaultsOptions?
    public var services: OrderedEntries<ServiceOptions>?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case settings, defaults, services
    }

    public init(settings: SettingsOptions? = nil, defaults: DefaultsOptions? = nil, services: OrderedEntries<ServiceOptions>? = nil) {
        self.settings = settings
        self.defaults = defaults
        self.services = services
    }

    public init(from decoder: any Decoder) throws {
        var reader = try FieldReader(decoder, keyedBy: CodingKeys.self)
        settings = try reader.read(.settings)
        defaults = try reader.read(.defaults)
        services = try reader.read(.services)
        source = reader.source
    }
}

/// `settings:`, the daemon-wide options.
public struct SettingsOptions: Sendable, Hashable, Codable {
    /// The interface whose first address is the VIP of services without `host`.
    public var interface: String?
    /// How often the kernel is re-read and drift repaired (default 30s).
    public var resync: DurationValue?
    /// `owned` (default) or `all`.
    public var prune: String?
    /// The kernel's IPVS connection timeouts; those not given are left as they are.
    public var timeouts: TimeoutOptions?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case interface, resync, prune, timeouts
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        var reader = try FieldReader(decoder, keyedBy: CodingKeys.self)
        interface = try reader.read(.interface)
        resync = try reader.read(.resync)
        prune = try reader.read(.prune)
        timeouts = try reader.read(.timeouts)
        source = reader.source
    }
}

/// `settings.timeouts:`, ipvsadm's `--set tcp tcpfin udp`.
public struct TimeoutOptions: Sendable, Hashable, Codable {
    public var tcp: DurationValue?
    public var tcpfin: DurationValue?
    public var udp: DurationValue?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case tcp, tcpfin, udp
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        var reader = try FieldReader(decoder, keyedBy: CodingKeys.self)
        tcp = try reader.read(.tcp)
        tcpfin = try reader.read(.tcpfin)
        udp = try reader.read(.udp)
        source = reader.source
    }
}

/// `defaults:`, what services and backends inherit when they leave a field out.
public struct DefaultsOptions: Sendable, Hashable, Codable {
    /// Any service field except `host`, `port`, `fwmark`, `family` and `backends`.
    public var service: ServiceOptions?
    /// Any backend field except `host` and `port`.
    public var backend: BackendOptions?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case service, backend
    }

    public init(service: ServiceOptions? = nil, backend: BackendOptions? = nil) {
        self.service = service
        self.backend = backend
    }

    public init(from decoder: any Decoder) throws {
        var reader = try FieldReader(decoder, keyedBy: CodingKeys.self)
        service = try reader.read(.service)
        backend = try reader.read(.backend)
        source = reader.source
    }
}
