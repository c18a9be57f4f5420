public import YAMLBridge

/// A backend (IPVS destination) as written: GORB's `BackendOptions` fields (`host`, `port`,
/// `weight`, `method`, `pulse`) plus what GORB lacked. The same type is the REST API's body, so a
/// PATCH can tell "not given" from "given".
public struct BackendOptions: Sendable, Hashable, Encodable, NodeReadable {
    /// The backend's address (IPv4 or IPv6 literal).
    public var host: String?
    /// The backend's port; defaults to the service's port.
    public var port: UInt16?
    /// Relative share of new connections, 0 to 2147483647 (0: no new connections).
    public var weight: Int64?
    /// Forwarding method: `nat` (default), `tunnel` (`ipip`), `dr` (`gate`).
    public var method: String?
    /// Tunnel encapsulation, for `method: tunnel`.
    public var tunnel: TunnelOptions?
    /// Connection thresholds: above `upper` the backend takes no new connections until it falls
    /// below `lower`.
    public var thresholds: ThresholdOptions?
    /// How long a removed backend may drain (weight 0, waiting for its connections to end) before
    /// it is deleted; `0s` deletes at once.
    public var drain: DurationValue?
    /// The health check.
    public var pulse: PulseOptions?
    /// GORB's parent service id, shown by GORB when a KV store was used; accepted and ignored.
    public var vsid: String?
    /// This backend is the service's sorry server: not health-checked, weight 0 while the service
    /// has its quorum of healthy backends, its own weight when it has not.
    public var fallback: Bool?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port, weight, method, tunnel, thresholds, drain, pulse, vsid, fallback
    }
    static let fieldNames = FieldNames(CodingKeys.self)

    public init(
        host: String? = nil,
        port: UInt16? = nil,
        weight: Int64? = nil,
        method: String? = nil,
        tunnel: TunnelOptions? = nil,
        thresholds: ThresholdOptions? = nil,
        drain: DurationValue? = nil,
        pulse: PulseOptions? = nil
    ) {
        self.host = host
        self.port = port
        self.weight = weight
        self.method = method
        self.tunnel = tunnel
        self.thresholds = thresholds
        self.drain = drain
        self.pulse = pulse
    }

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        var reader = try FieldReader<CodingKeys>(node, fields: Self.fieldNames, in: &context)
        host = reader.read(.host, in: &context)
        port = reader.read(.port, in: &context)
        weight = reader.read(.weight, in: &context)
        method = reader.read(.method, in: &context)
        tunnel = reader.read(.tunnel, in: &context)
        thresholds = reader.read(.thresholds, in: &context)
        drain = reader.read(.drain, in: &context)
        pulse = reader.read(.pulse, in: &context)
        vsid = reader.read(.vsid, in: &context)
        fallback = reader.read(.fallback, in: &context)
        source = reader.source
    }

    /// `self` with its missing fields taken from `base` (the `defaults.backend` section); the pulse
    /// is merged separately, along its whole chain (``PulseOptions/merge(_:)``).
    public func inheriting(from base: BackendOptions?) -> BackendOptions {
        guard let base else { return self }
        var merged = self
        merged.inherit(base.inheritance)
        return merged
    }

    /// The fields a backend inherits from `defaults.backend`: taken out of it once, they complete
    /// each backend in place (a backend is a big value; ``inheriting(from:)`` copies it).
    struct Inheritance {
        var weight: Int64?
        var method: String?
        var tunnel: TunnelOptions?
        var thresholds: ThresholdOptions?
        var drain: DurationValue?
    }

    var inheritance: Inheritance {
        Inheritance(weight: weight, method: method, tunnel: tunnel, thresholds: thresholds, drain: drain)
    }

    /// Takes each field this backend leaves out from `base`.
    mutating func inherit(_ base: Inheritance) {
        weight = weight ?? base.weight
        method = method ?? base.method
        if tunnel == nil { tunnel = base.tunnel }
        if thresholds == nil { thresholds = base.thresholds }
        drain = drain ?? base.drain
    }
}

/// `tunnel:` of a tunnelled backend.
public struct TunnelOptions: Sendable, Hashable, Encodable, NodeReadable {
    /// `ipip` (default), `gue` or `gre`.
    public var type: String?
    /// The UDP port for `gue` (required there).
    public var port: UInt16?
    /// `nocsum` (default), `csum` or `remcsum`, for `gue` and `gre`.
    public var checksum: String?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case type, port, checksum
    }
    static let fieldNames = FieldNames(CodingKeys.self)

    public init(type: String? = nil, port: UInt16? = nil, checksum: String? = nil) {
        self.type = type
        self.port = port
        self.checksum = checksum
    }

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        var reader = try FieldReader<CodingKeys>(node, fields: Self.fieldNames, in: &context)
        type = reader.read(.type, in: &context)
        port = reader.read(.port, in: &context)
        checksum = reader.read(.checksum, in: &context)
        source = reader.source
    }
}

/// `thresholds:` of a backend (ipvsadm's `-x`/`-y`); 0 means no limit.
public struct ThresholdOptions: Sendable, Hashable, Encodable, NodeReadable {
    public var upper: Int64?
    public var lower: Int64?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case upper, lower
    }
    static let fieldNames = FieldNames(CodingKeys.self)

    public init(upper: Int64? = nil, lower: Int64? = nil) {
        self.upper = upper
        self.lower = lower
    }

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        var reader = try FieldReader<CodingKeys>(node, fields: Self.fieldNames, in: &context)
        upper = reader.read(.upper, in: &context)
        lower = reader.read(.lower, in: &context)
        source = reader.source
    }
}
