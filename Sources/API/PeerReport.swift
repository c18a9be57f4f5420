/// What a consumer of the published state (Consul registration, and the like) reports about its
/// own peer, read on each request: a section of `GET /status` under `key`, and its metric
/// families appended to `GET /metrics`. The API knows nothing of the consumer but this.
public struct PeerReport: Sendable {
    public var key: String
    public var status: @Sendable () -> any Encodable & Sendable
    /// Whole Prometheus text families (`# HELP`, `# TYPE`, samples).
    public var metrics: @Sendable () -> String

    public init(key: String, status: @escaping @Sendable () -> any Encodable & Sendable, metrics: @escaping @Sendable () -> String) {
        self.key = key
        self.status = status
        self.metrics = metrics
    }
}

/// `GET /status` with each peer's section beside the controller's fields.
struct StatusWithPeers: Encodable {
    var base: StatusView
    var peers: [PeerReport]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        try base.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        for peer in peers {
            try container.encode(peer.status(), forKey: Key(peer.key))
        }
    }
}
