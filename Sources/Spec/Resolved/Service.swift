public import Addresses

/// One IPVS virtual service, resolved.
///
/// Its fields are in a ``SharedValue``: the desired state, the composition, the published state
/// and every consumer hold the same 10,000 services, and a change touches a few (at 110,000
/// objects, copying and comparing services field by field was a fifth of a REST change's cost).
public struct Service: Sendable, Hashable, Identifiable {
    private var fields: SharedValue<Fields>

    struct Fields: Sendable, Hashable {
        var id: String
        var endpoint: ServiceEndpoint
        var scheduler: Scheduler
        var flags: [ServiceFlag]
        var persistence: Persistence?
        var onePacket: Bool
        var backends: [Backend]
        var quorum: Int
        var consul: ServiceRegistration
    }

    public var id: String {
        get { fields.value.id }
        _modify { yield &fields.value.id }
    }
    public var endpoint: ServiceEndpoint {
        get { fields.value.endpoint }
        _modify { yield &fields.value.endpoint }
    }
    public var scheduler: Scheduler {
        get { fields.value.scheduler }
        _modify { yield &fields.value.scheduler }
    }
    /// The scheduler flags, sorted.
    public var flags: [ServiceFlag] {
        get { fields.value.flags }
        _modify { yield &fields.value.flags }
    }
    public var persistence: Persistence? {
        get { fields.value.persistence }
        _modify { yield &fields.value.persistence }
    }
    public var onePacket: Bool {
        get { fields.value.onePacket }
        _modify { yield &fields.value.onePacket }
    }
    /// Backends in the order written.
    public var backends: [Backend] {
        get { fields.value.backends }
        _modify { yield &fields.value.backends }
    }
    /// The fewest healthy (non-fallback) backends the service needs to count as up; below it the
    /// fallback backend, if any, takes traffic.
    public var quorum: Int {
        get { fields.value.quorum }
        _modify { yield &fields.value.quorum }
    }
    /// How the service is registered in Consul.
    public var consul: ServiceRegistration {
        get { fields.value.consul }
        _modify { yield &fields.value.consul }
    }

    public init(
        id: String,
        endpoint: ServiceEndpoint,
        scheduler: Scheduler = .wrr,
        flags: [ServiceFlag] = [],
        persistence: Persistence? = nil,
        onePacket: Bool = false,
        backends: [Backend] = [],
        quorum: Int = Defaults.quorum,
        consul: ServiceRegistration? = nil
    ) {
        fields = SharedValue(Fields(id: id, endpoint: endpoint, scheduler: scheduler, flags: flags, persistence: persistence, onePacket: onePacket, backends: backends, quorum: quorum, consul: consul ?? .standard(id: id)))
    }

    /// The kernel flag bits this service asks for (without the kernel's own HASHED bit).
    public var flagBits: UInt32 {
        var bits = flags.reduce(UInt32(0)) { $0 | $1.bit }
        if persistence != nil { bits |= 0x1 }
        if onePacket { bits |= 0x4 }
        return bits
    }

    public subscript(backendID id: String) -> Backend? { backends.first { $0.id == id } }
}

/// How packets are matched to a service: by address, port and protocol, or by firewall mark.
public enum ServiceEndpoint: Sendable, Hashable, CustomStringConvertible {
    case address(host: ServiceHost, port: UInt16, protocol: TransportProtocol)
    case fwmark(UInt32, family: AddressFamily)

    /// The family, when it is known before apply (an interface's address is not).
    public var family: AddressFamily? {
        switch self {
        case .address(.ip(let address), _, _): address.family
        case .address(.interface, _, _): nil
        case .fwmark(_, let family): family
        }
    }

    /// ipvsadm's spelling: `tcp 192.0.2.1:80`, `udp [2001:db8::1]:53`, `fwmark 17 (ipv6)`.
    public var description: String {
        switch self {
        case .address(let host, let port, let proto):
            let hostText: String
            switch host {
            case .ip(let address): hostText = address.family == .ipv6 ? "[\(address)]" : "\(address)"
            case .interface(let name): hostText = "<\(name)>"
            }
            return "\(proto) \(hostText):\(port)"
        case .fwmark(let mark, let family):
            return family == .ipv4 ? "fwmark \(mark)" : "fwmark \(mark) (ipv6)"
        }
    }
}

/// A service's VIP: an address, or the first address of an interface (looked up at apply time).
public enum ServiceHost: Sendable, Hashable {
    case ip(IPAddress)
    case interface(String)
}

/// Session persistence (ipvsadm `-p`, `-M`, `--pe`).
public struct Persistence: Sendable, Hashable {
    /// Seconds a client sticks to its backend after its last connection.
    public var timeout: UInt32
    /// Clients whose addresses share this many leading bits stick together; `nil`: the whole
    /// address (32 or 128).
    public var prefixLength: Int?
    /// The persistence engine (`sip`), if any.
    public var engine: String?

    public init(timeout: UInt32 = 300, prefixLength: Int? = nil, engine: String? = nil) {
        self.timeout = timeout
        self.prefixLength = prefixLength
        self.engine = engine
    }
}
