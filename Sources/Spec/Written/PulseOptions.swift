public import YAMLBridge

/// A health check as written (GORB's `pulse` object plus thresholds and a timeout). Every field is
/// optional: missing ones are inherited from the service's `pulse`, then `defaults.backend.pulse`,
/// then the built-in defaults.
public struct PulseOptions: Sendable, Hashable, Encodable, NodeReadable {
    public var type: String?
    public var interval: DurationValue?
    public var timeout: DurationValue?
    public var rise: Int?
    public var fall: Int?
    /// The slow start: how long a recovered backend takes to climb from a tenth of its weight back
    /// to all of it (`0s`: at once).
    public var ramp: DurationValue?
    /// `true` (default): a failed backend is kept in the kernel at weight 0. `false`: the check
    /// only observes and reports; the kernel weight is left as the file says.
    public var inhibit: Bool?
    /// How a backend new to the kernel starts: `up` (default) or `down` until `rise` checks pass.
    public var initial: String?
    public var args: PulseArgs?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case type, interval, timeout, rise, fall, ramp, inhibit, initial, args
    }
    static let fieldNames = FieldNames(CodingKeys.self)

    public init(
        type: String? = nil,
        interval: DurationValue? = nil,
        timeout: DurationValue? = nil,
        rise: Int? = nil,
        fall: Int? = nil,
        args: PulseArgs? = nil
    ) {
        self.type = type
        self.interval = interval
        self.timeout = timeout
        self.rise = rise
        self.fall = fall
        self.args = args
    }

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        var reader = try FieldReader<CodingKeys>(node, fields: Self.fieldNames, in: &context)
        type = reader.read(.type, in: &context)
        interval = reader.read(.interval, in: &context)
        timeout = reader.read(.timeout, in: &context)
        rise = reader.read(.rise, in: &context)
        fall = reader.read(.fall, in: &context)
        ramp = reader.read(.ramp, in: &context)
        inhibit = reader.read(.inhibit, in: &context)
        initial = reader.read(.initial, in: &context)
        args = reader.read(.args, in: &context)
        source = reader.source
    }

    /// Merges an inheritance chain, most specific first (backend, service, defaults): each field
    /// comes from the first level that sets it. Args are special: a level's args were written for
    /// the probe type in force at that level, so they are inherited only by a pulse of that same
    /// type (a backend that switches from the service's `http` to `tcp` must not inherit `path`).
    public static func merge(_ chain: [PulseOptions?]) -> PulseOptions? {
        let levels = chain.compactMap { $0 }
        guard var merged = levels.first else { return nil }
        func effectiveType(from index: Int) -> String {
            levels[index...].lazy.compactMap { $0.type?.lowercased() }.first ?? Defaults.pulseType.rawValue
        }
        let finalType = effectiveType(from: 0)
        for (index, level) in levels.enumerated().dropFirst() {
            merged.type = merged.type ?? level.type
            merged.interval = merged.interval ?? level.interval
            merged.timeout = merged.timeout ?? level.timeout
            merged.rise = merged.rise ?? level.rise
            merged.fall = merged.fall ?? level.fall
            merged.ramp = merged.ramp ?? level.ramp
            merged.inhibit = merged.inhibit ?? level.inhibit
            merged.initial = merged.initial ?? level.initial
            if effectiveType(from: index) == finalType, let args = level.args {
                merged.args = merged.args?.inheriting(from: args) ?? args
            }
        }
        return merged
    }
}

/// The probe-specific arguments of a pulse. One struct for all probe types (so the file has one
/// schema); which fields apply to which type is checked when the spec is resolved.
public struct PulseArgs: Sendable, Hashable, Encodable, NodeReadable {
    /// Probe this address instead of the backend's (GORB's `args.host`).
    public var host: String?
    /// Probe this port instead of the backend's (GORB's `args.port`); a number or a digit string.
    public var port: UInt16?
    /// HTTP method (`GET`).
    public var method: String?
    /// HTTP path (`/`).
    public var path: String?
    /// Expected HTTP status codes (`200`, `"200-399"`, `[200, 204]`), or for `dns` the answer code
    /// (`NOERROR`), or for `udp` the prefix the reply must start with.
    public var expect: ExpectValue?
    /// HTTP `Host` header (keepalived's `virtualhost`).
    public var virtualhost: String?
    /// A substring the HTTP response body must contain.
    public var body: String?
    /// TLS server name for `https` (defaults to `virtualhost`).
    public var sni: String?
    /// Skip TLS certificate verification for `https`.
    public var insecure: Bool?
    /// What a `udp` probe sends.
    public var payload: String?
    /// The name a `dns` probe asks for.
    public var name: String?
    /// The record type a `dns` probe asks for (`A`).
    public var query: String?
    /// What an `exec` probe runs.
    public var command: CommandArguments?
    /// Who an `exec` probe runs as (a user name): by default `nobody` when the daemon is root,
    /// else the daemon's own user. Never root unless the file says `root`.
    public var user: String?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port, method, path, expect, virtualhost, body, sni, insecure, payload, name, query, command, user
    }
    static let fieldNames = FieldNames(CodingKeys.self)

    public init() {}

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        var reader = try FieldReader<CodingKeys>(node, fields: Self.fieldNames, in: &context)
        host = reader.read(.host, in: &context)
        port = reader.read(.port, in: &context)
        method = reader.read(.method, in: &context)
        path = reader.read(.path, in: &context)
        expect = reader.read(.expect, in: &context)
        virtualhost = reader.read(.virtualhost, in: &context)
        body = reader.read(.body, in: &context)
        sni = reader.read(.sni, in: &context)
        insecure = reader.read(.insecure, in: &context)
        payload = reader.read(.payload, in: &context)
        name = reader.read(.name, in: &context)
        query = reader.read(.query, in: &context)
        command = reader.read(.command, in: &context)
        user = reader.read(.user, in: &context)
        source = reader.source
    }

    /// Whether the arg `key` is set, for the "does not apply to this probe" check.
    func isSet(_ key: CodingKeys) -> Bool {
        switch key {
        case .host: host != nil
        case .port: port != nil
        case .method: method != nil
        case .path: path != nil
        case .expect: expect != nil
        case .virtualhost: virtualhost != nil
        case .body: body != nil
        case .sni: sni != nil
        case .insecure: insecure != nil
        case .payload: payload != nil
        case .name: name != nil
        case .query: query != nil
        case .command: command != nil
        case .user: user != nil
        }
    }

    func inheriting(from base: PulseArgs?) -> PulseArgs {
        guard let base else { return self }
        var merged = self
        merged.host = host ?? base.host
        merged.port = port ?? base.port
        merged.method = method ?? base.method
        merged.path = path ?? base.path
        merged.expect = expect ?? base.expect
        merged.virtualhost = virtualhost ?? base.virtualhost
        merged.body = body ?? base.body
        merged.sni = sni ?? base.sni
        merged.insecure = insecure ?? base.insecure
        merged.payload = payload ?? base.payload
        merged.name = name ?? base.name
        merged.query = query ?? base.query
        merged.command = command ?? base.command
        merged.user = user ?? base.user
        return merged
    }
}

/// `args.expect`, whose meaning depends on the probe type; kept as written until the type is known.
public struct ExpectValue: Sendable, Hashable, Encodable, NodeReadable {
    /// The text as written (a number is kept as its digits; a list joined with commas).
    public var text: String

    public init(_ text: String) {
        self.text = text
    }

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        if let list = node.strings {
            text = list.joined(separator: ",")
        } else {
            text = try String(reading: node, in: &context)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let code = Int(text) { try container.encode(code) } else { try container.encode(text) }
    }
}
