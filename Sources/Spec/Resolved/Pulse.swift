public import Addresses

/// A backend's health check, resolved.
public struct Pulse: Sendable, Hashable {
    /// The fields, in a ``SharedValue``: every backend carries its pulse, and the health checks,
    /// the composition and every copy of the config hold a copy of each backend.
    private var fields: SharedValue<Fields>

    struct Fields: Sendable, Hashable {
        var probe: Probe
        var interval: Duration
        var timeout: Duration
        var rise: Int
        var fall: Int
        var ramp: Duration
        var inhibit: Bool
        var initial: InitialHealth
    }

    public var probe: Probe {
        get { fields.value.probe }
        _modify { yield &fields.value.probe }
    }
    public var interval: Duration {
        get { fields.value.interval }
        _modify { yield &fields.value.interval }
    }
    /// How long one probe may take before it counts as failed (at most `interval`).
    public var timeout: Duration {
        get { fields.value.timeout }
        _modify { yield &fields.value.timeout }
    }
    /// Consecutive successes that bring a down backend back.
    public var rise: Int {
        get { fields.value.rise }
        _modify { yield &fields.value.rise }
    }
    /// Consecutive failures that take an up backend down.
    public var fall: Int {
        get { fields.value.fall }
        _modify { yield &fields.value.fall }
    }
    /// The slow start after a recovery: the weight climbs linearly, in ten steps, from a tenth of
    /// the desired weight to all of it over this time (zero: straight back to full weight).
    public var ramp: Duration {
        get { fields.value.ramp }
        _modify { yield &fields.value.ramp }
    }
    /// Keep a failed backend in the kernel at weight 0 (`true`), or only observe and report
    /// (`false`: the kernel keeps the file's weight whatever the checks say).
    public var inhibit: Bool {
        get { fields.value.inhibit }
        _modify { yield &fields.value.inhibit }
    }
    /// How a backend the kernel does not hold yet starts: at full weight, or at 0 until `rise`
    /// checks pass. (A backend the kernel already holds resumes from the weight it holds.)
    public var initial: InitialHealth {
        get { fields.value.initial }
        _modify { yield &fields.value.initial }
    }

    public init(
        probe: Probe = .tcp(TCPProbe()),
        interval: Duration = Defaults.pulseInterval,
        timeout: Duration = Defaults.pulseTimeout,
        rise: Int = Defaults.rise,
        fall: Int = Defaults.fall,
        ramp: Duration = Defaults.ramp,
        inhibit: Bool = true,
        initial: InitialHealth = .up
    ) {
        fields = SharedValue(Fields(probe: probe, interval: interval, timeout: timeout, rise: rise, fall: fall, ramp: ramp, inhibit: inhibit, initial: initial))
    }

    public var type: PulseType {
        switch probe {
        case .none: .none
        case .tcp: .tcp
        case .http(let http): http.tls ? .https : .http
        case .udp: .udp
        case .dns: .dns
        case .exec: .exec
        }
    }
}

/// What a health check does.
public enum Probe: Sendable, Hashable {
    case none
    case tcp(TCPProbe)
    case http(HTTPProbe)
    case udp(UDPProbe)
    case dns(DNSProbe)
    case exec(ExecProbe)

    /// The `host` and `port` the probe names instead of the backend's (`nil`: the backend's); a
    /// probe that opens no socket names neither.
    public var target: (host: IPAddress?, port: UInt16?) {
        switch self {
        case .tcp(let probe): (probe.host, probe.port)
        case .http(let probe): (probe.host, probe.port)
        case .udp(let probe): (probe.host, probe.port)
        case .dns(let probe): (probe.host, probe.port)
        case .none, .exec: (nil, nil)
        }
    }
}

/// Connect, then close. Up when the connection is accepted.
public struct TCPProbe: Sendable, Hashable {
    /// Probe this address instead of the backend's.
    public var host: IPAddress?
    /// Probe this port instead of the backend's.
    public var port: UInt16?

    public init(host: IPAddress? = nil, port: UInt16? = nil) {
        self.host = host
        self.port = port
    }
}

/// One HTTP(S) request. Up when the status is expected and the body (if asked) contains the text.
public struct HTTPProbe: Sendable, Hashable {
    public var tls: Bool
    public var host: IPAddress?
    public var port: UInt16?
    public var method: String
    public var path: String
    public var expect: StatusExpectation
    /// The `Host` header; default: the probed address.
    public var virtualhost: String?
    public var body: String?
    /// TLS server name; default: `virtualhost`.
    public var sni: String?
    /// Skip certificate verification.
    public var insecure: Bool

    public init(
        tls: Bool = false,
        host: IPAddress? = nil,
        port: UInt16? = nil,
        method: String = "GET",
        path: String = "/",
        expect: StatusExpectation = StatusExpectation([200...200]),
        virtualhost: String? = nil,
        body: String? = nil,
        sni: String? = nil,
        insecure: Bool = false
    ) {
        self.tls = tls
        self.host = host
        self.port = port
        self.method = method
        self.path = path
        self.expect = expect
        self.virtualhost = virtualhost
        self.body = body
        self.sni = sni
        self.insecure = insecure
    }
}

/// Send a datagram and wait for a reply. Up when a reply arrives (starting with `expect`, if set).
public struct UDPProbe: Sendable, Hashable {
    public var host: IPAddress?
    public var port: UInt16?
    public var payload: String
    public var expect: String?

    public init(host: IPAddress? = nil, port: UInt16? = nil, payload: String = "", expect: String? = nil) {
        self.host = host
        self.port = port
        self.payload = payload
        self.expect = expect
    }
}

/// Ask a DNS question over UDP. Up when the answer's response code is `expect`.
public struct DNSProbe: Sendable, Hashable {
    public var host: IPAddress?
    public var port: UInt16?
    public var name: String
    public var query: String
    public var expect: String

    public init(host: IPAddress? = nil, port: UInt16? = nil, name: String, query: String = "A", expect: String = "NOERROR") {
        self.host = host
        self.port = port
        self.name = name
        self.query = query
        self.expect = expect
    }
}

/// Run a command (no shell). Up when it exits 0 within the timeout.
public struct ExecProbe: Sendable, Hashable {
    public var command: [String]
    /// The user it runs as; `nil`: `nobody` when the daemon is root, else the daemon's own user.
    public var user: String?

    public init(command: [String], user: String? = nil) {
        self.command = command
        self.user = user
    }
}
