/// `settings.store.etcd`, resolved: the overlay lives in this etcd cluster, one key per override
/// under `prefix`. Files are named, never read here: `validate` runs without the daemon's rights.
public struct EtcdSettings: Sendable, Hashable {
    /// One member's client URL, checked.
    public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        public var secure: Bool
        /// A name or an address (IPv6 without brackets).
        public var host: String
        public var port: Int

        public init(secure: Bool, host: String, port: Int) {
            self.secure = secure
            self.host = host
            self.port = port
        }

        /// `http://127.0.0.1:2379`, `https://[::1]:2379`.
        public var description: String {
            "\(secure ? "https" : "http")://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        }
    }

    public var endpoints: [Endpoint]
    /// Ends with `/`, so `/gorb/` never shares a key with `/gorb2/`.
    public var prefix: String
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public var username: String?
    public var passwordFile: String?

    public static let defaultPrefix = "/gorb/"

    public init(endpoints: [Endpoint], prefix: String = Self.defaultPrefix) {
        self.endpoints = endpoints
        self.prefix = prefix
    }
}
