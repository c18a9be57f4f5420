/// `settings.consul`, resolved: present when the file configures Consul (`run -c` also turns it on
/// with these defaults).
public struct ConsulSettings: Sendable, Hashable {
    /// The agent's HTTP API; `nil`: `-c`'s, or `http://127.0.0.1:8500`.
    public var address: String?
    public var tokenFile: String?
    public var datacenter: String?
    public var tags: [String]
    public var ttl: Duration
    public var deregisterAfter: Duration

    public static let defaultAddress = "http://127.0.0.1:8500"

    public init(address: String? = nil, tokenFile: String? = nil, datacenter: String? = nil, tags: [String] = [], ttl: Duration = .seconds(30), deregisterAfter: Duration = .seconds(600)) {
        self.address = address
        self.tokenFile = tokenFile
        self.datacenter = datacenter
        self.tags = tags
        self.ttl = ttl
        self.deregisterAfter = deregisterAfter
    }
}

/// How one service is registered in Consul, resolved from its `consul:`.
public struct ServiceRegistration: Sendable, Hashable {
    /// `false`: not registered (`register: false`).
    public var register: Bool
    /// The Consul service name: a DNS label (``ConsulName``).
    public var name: String
    /// The service's own tags; `nil`: `settings.consul.tags`.
    public var tags: [String]?
    /// The operator's `Meta` pairs, in the order written.
    public var meta: [(key: String, value: String)]

    public init(register: Bool = true, name: String, tags: [String]? = nil, meta: [(key: String, value: String)] = []) {
        self.register = register
        self.name = name
        self.tags = tags
        self.meta = meta
    }

    /// The registration of a service written without `consul:` (or added through the REST API).
    public static func standard(id: String) -> ServiceRegistration {
        ServiceRegistration(name: ConsulName.label(for: id) ?? "")
    }

    public static func == (lhs: ServiceRegistration, rhs: ServiceRegistration) -> Bool {
        lhs.register == rhs.register && lhs.name == rhs.name && lhs.tags == rhs.tags
            && lhs.meta.map(\.key) == rhs.meta.map(\.key) && lhs.meta.map(\.value) == rhs.meta.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(register)
        hasher.combine(name)
        hasher.combine(tags)
        for pair in meta {
            hasher.combine(pair.key)
            hasher.combine(pair.value)
        }
    }
}

/// Consul service names as DNS labels (RFC 1123: 1 to 63 of `a-z`, `0-9` and `-`, neither first
/// nor last a `-`), so `NAME.service.consul` resolves.
///
/// A service id becomes a name by: lower-casing it; turning every other character (`_`, `.`,
/// `:`, `@`) into `-`; folding runs of `-` into one; dropping `-` at either end; and cutting it
/// to 63 characters (then dropping a trailing `-` again). `Web_API.v2` → `web-api-v2`. An id with
/// no letter or digit has no name (set `consul.name`). Two services whose names come out equal
/// are refused at validation.
public enum ConsulName {
    /// The name the daemon registers itself under (`dig gorb.service.consul`, as GORB did).
    public static let daemon = "gorb"

    /// `id` made into a DNS label; `nil` when nothing is left of it.
    public static func label(for id: String) -> String? {
        var label = ""
        var lastWasDash = true
        for scalar in id.unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9":
                label.unicodeScalars.append(scalar)
                lastWasDash = false
            case "A"..."Z":
                label += String(scalar).lowercased()
                lastWasDash = false
            default:
                if !lastWasDash { label += "-" }
                lastWasDash = true
            }
        }
        if label.count > 63 { label = String(label.prefix(63)) }
        while label.hasSuffix("-") { label.removeLast() }
        return label.isEmpty ? nil : label
    }

    /// Whether `name` is a DNS label as written (an explicit `consul.name` is not rewritten).
    public static func isLabel(_ name: String) -> Bool {
        guard (1...63).contains(name.utf8.count), !name.hasPrefix("-"), !name.hasSuffix("-") else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
        }
    }
}
