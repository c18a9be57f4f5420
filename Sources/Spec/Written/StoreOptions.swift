public import YAMLBridge

/// `settings.store:`, where the REST API's overrides live when several balancers share them.
/// Without it they stay in the state directory (`overrides.json`), as they always did.
public struct StoreOptions: Sendable, Hashable, Encodable, NodeReadable {
    /// etcd v3, the one fleet store there is.
    public var etcd: EtcdOptions?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case etcd
    }
    static let fieldNames = FieldNames(CodingKeys.self)

    public init(etcd: EtcdOptions? = nil) {
        self.etcd = etcd
    }

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        var reader = try FieldReader<CodingKeys>(node, fields: Self.fieldNames, in: &context)
        etcd = reader.read(.etcd, in: &context)
        source = reader.source
    }
}

/// `settings.store.etcd:`, an etcd v3 cluster reached through its JSON gateway. The keys are the
/// ones etcd's own tools use (`--endpoints`, `--cacert`/`--cert`/`--key`, `--user`), spelt as
/// the rest of this file spells keys.
public struct EtcdOptions: Sendable, Hashable, Encodable, NodeReadable {
    /// `http://host:port` or `https://host:port`, every member the daemon may talk to.
    public var endpoints: [String]?
    /// The key prefix every override is kept under (default `/gorb/`).
    public var prefix: String?
    /// The CA that signed the members' certificates (https); the system's roots otherwise.
    public var caFile: String?
    /// A client certificate and its key, for clusters that require one.
    public var certFile: String?
    public var keyFile: String?
    /// An etcd user, with its password in a file (never in `gorb.yaml`, which lives in git).
    public var username: String?
    public var passwordFile: String?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case endpoints, prefix
        case caFile = "ca-file"
        case certFile = "cert-file"
        case keyFile = "key-file"
        case username
        case passwordFile = "password-file"
    }
    static let fieldNames = FieldNames(CodingKeys.self)

    public init(endpoints: [String]? = nil, prefix: String? = nil) {
        self.endpoints = endpoints
        self.prefix = prefix
    }

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        var reader = try FieldReader<CodingKeys>(node, fields: Self.fieldNames, in: &context)
        endpoints = reader.read(.endpoints, in: &context)
        prefix = reader.read(.prefix, in: &context)
        caFile = reader.read(.caFile, in: &context)
        certFile = reader.read(.certFile, in: &context)
        keyFile = reader.read(.keyFile, in: &context)
        username = reader.read(.username, in: &context)
        passwordFile = reader.read(.passwordFile, in: &context)
        source = reader.source
    }
}
