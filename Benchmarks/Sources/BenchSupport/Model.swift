/// Plain `Decodable` types equivalent to the generated file, for decoders other than ours (Yams):
/// the same fields with the same Swift types the `Spec` module reads them into, where a general
/// decoder can express them.
public struct BenchConfig: Decodable, Sendable {
    public var settings: BenchSettings?
    public var defaults: BenchDefaults?
    public var services: [String: BenchService]
}

public struct BenchSettings: Decodable, Sendable {
    public var resync: String?
    public var prune: String?
    public var interface: String?
}

public struct BenchDefaults: Decodable, Sendable {
    public var backend: BenchBackendDefaults?
}

public struct BenchBackendDefaults: Decodable, Sendable {
    public var weight: Int32?
    public var drain: String?
}

public struct BenchService: Decodable, Sendable {
    public var host: String?
    public var port: UInt16?
    public var `protocol`: String?
    public var method: String?
    public var persistent: String?
    public var flags: [String]?
    public var backends: [String: BenchBackend]
}

public struct BenchBackend: Decodable, Sendable {
    public var host: String
    public var port: UInt16?
    public var weight: Int32?
    public var method: String?
    public var pulse: BenchPulse?
}

public struct BenchPulse: Decodable, Sendable {
    public var type: String
    public var interval: String?
    public var args: [String: String]?
}

extension BenchConfig {
    /// Services and backends, to check that a decoder saw the whole file.
    public var counts: (services: Int, backends: Int) {
        (services.count, services.values.reduce(0) { $0 + $1.backends.count })
    }
}
