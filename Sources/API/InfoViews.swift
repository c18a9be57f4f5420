import Addresses
import Checks
import IPVS
import Reconciler
import Spec

/// `GET /service/{id}`: GORB's ServiceInfo, `{"options": …, "health": …, "backends": [ids]}`,
/// with the options as resolved (defaults filled in, as GORB showed them) and `backends` always a
/// list (GORB sent `null` for none).
struct ServiceInfo: Encodable {
    var options: ServiceView
    /// The mean health of the backends (fallbacks not counted); 1 with none, as in GORB.
    var health: Double
    var backends: [String]
    /// Healthy backends, the quorum, and whether the service has it.
    var quorum: QuorumView
    /// The kernel's counters, read for this request; absent with `stats-error` when they could
    /// not be read.
    var stats: StatsView?
    var statsError: String?
    /// Whether its VIP is on the VIP interface, when `settings.vips` is set.
    var vip: ServiceVIPView?
    /// Whether the service's VIP is announced over BGP, and why not; absent without
    /// `settings.bgp` or for a service without its own VIP (fwmark, interface address).
    var bgp: BGPStatusView.VIP?

    enum CodingKeys: String, CodingKey {
        case bgp
        case options, health, backends, quorum, stats
        case statsError = "stats-error"
        case vip
    }
}

struct QuorumView: Encodable, Equatable {
    var required: Int
    var healthy: Int
    var met: Bool
}

/// A resolved service in the file's vocabulary.
struct ServiceView: Encodable, Equatable {
    /// The VIP; `""` when it is taken from an interface (GORB's way), see `interface`.
    var host: String
    var interface: String?
    var port: UInt16
    var `protocol`: String
    var fwmark: UInt32?
    var family: String
    var method: String
    /// `false`, or the persistence timeout in seconds.
    var persistent: PersistentView
    var netmask: Int?
    var persistenceEngine: String?
    var onePacket: Bool
    var flags: [String]
    var quorum: Int

    enum CodingKeys: String, CodingKey {
        case host, interface, port, `protocol`, fwmark, family, method, persistent, netmask
        case persistenceEngine = "persistence-engine"
        case onePacket = "one-packet"
        case flags, quorum
    }

    init(_ service: Service) {
        switch service.endpoint {
        case .address(let host, let port, let proto):
            switch host {
            case .ip(let address): self.host = "\(address)"
            case .interface(let name): self.host = ""; self.interface = name
            }
            self.port = port
            self.protocol = proto.description
            self.family = service.endpoint.family.map { $0 == .ipv6 ? "ipv6" : "ipv4" } ?? "ipv4"
        case .fwmark(let mark, let family):
            self.host = ""
            self.port = 0
            self.protocol = "fwmark"
            self.fwmark = mark
            self.family = family == .ipv6 ? "ipv6" : "ipv4"
        }
        method = service.scheduler.rawValue
        persistent = service.persistence.map { .timeout($0.timeout) } ?? .off
        netmask = service.persistence?.prefixLength
        persistenceEngine = service.persistence?.engine
        onePacket = service.onePacket
        flags = service.flags.map(\.rawValue)
        quorum = service.quorum
    }
}

/// GORB's `persistent` was a boolean; ours also carries the timeout: `false` or seconds.
enum PersistentView: Encodable, Equatable {
    case off
    case timeout(UInt32)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .off: try container.encode(false)
        case .timeout(let seconds): try container.encode(seconds)
        }
    }
}

/// `GET /service/{id}/{backend}`: GORB's BackendInfo, `{"options": …, "metrics": {…}}`.
struct BackendInfo: Encodable {
    var options: BackendView
    var metrics: BackendMetrics
    /// As in ``ServiceInfo``, with the backend's connection counts.
    var stats: StatsView?
    var statsError: String?

    enum CodingKeys: String, CodingKey {
        case options, metrics, stats
        case statsError = "stats-error"
    }
}

/// A service's or backend's traffic counters and the kernel's rate estimates (what `ipvsadm -Ln
/// --stats --exact` and `--rate` show), read from the kernel for this request: `source` says so
/// and `read-at` says when. Counters count since the object was created in the kernel (or zeroed).
struct StatsView: Encodable {
    var source = "kernel"
    var readAt: String
    var connections: UInt64
    var inPackets: UInt64
    var outPackets: UInt64
    var inBytes: UInt64
    var outBytes: UInt64
    var connectionsPerSecond: UInt64
    var inPacketsPerSecond: UInt64
    var outPacketsPerSecond: UInt64
    var inBytesPerSecond: UInt64
    var outBytesPerSecond: UInt64
    /// Backends only: the kernel's ActiveConn and InActConn.
    var activeConnections: UInt32?
    var inactiveConnections: UInt32?
    /// Backends only: the weight the kernel holds now.
    var weight: Int32?

    enum CodingKeys: String, CodingKey {
        case source
        case readAt = "read-at"
        case connections
        case inPackets = "in-packets"
        case outPackets = "out-packets"
        case inBytes = "in-bytes"
        case outBytes = "out-bytes"
        case connectionsPerSecond = "connections-per-second"
        case inPacketsPerSecond = "in-packets-per-second"
        case outPacketsPerSecond = "out-packets-per-second"
        case inBytesPerSecond = "in-bytes-per-second"
        case outBytesPerSecond = "out-bytes-per-second"
        case activeConnections = "active-connections"
        case inactiveConnections = "inactive-connections"
        case weight
    }

    init(_ stats: IPVSStats, readAt: WallTime) {
        self.readAt = OverrideView.timestamp(readAt.seconds)
        connections = stats.connections
        inPackets = stats.inPackets
        outPackets = stats.outPackets
        inBytes = stats.inBytes
        outBytes = stats.outBytes
        connectionsPerSecond = stats.connectionsPerSecond
        inPacketsPerSecond = stats.inPacketsPerSecond
        outPacketsPerSecond = stats.outPacketsPerSecond
        inBytesPerSecond = stats.inBytesPerSecond
        outBytesPerSecond = stats.outBytesPerSecond
    }

    /// The `stats` of a service, or the `stats-error` that replaces it.
    static func of(_ read: () throws(ObservationError) -> ObjectObservation<IPVSService>) -> (StatsView?, String?) {
        do {
            let observation = try read()
            guard let service = observation.object else { return (nil, "the kernel does not hold this service (yet): see GET /status and GET /plan") }
            return (StatsView(service.stats, readAt: observation.readAt), nil)
        } catch {
            return (nil, "the kernel's statistics could not be read: \(error)")
        }
    }

    /// The `stats` of a backend, or the `stats-error` that replaces it.
    static func of(_ read: () throws(ObservationError) -> ObjectObservation<IPVSDestination>) -> (StatsView?, String?) {
        do {
            let observation = try read()
            guard let destination = observation.object else { return (nil, "the kernel does not hold this backend (yet): see GET /status and GET /plan") }
            var view = StatsView(destination.stats, readAt: observation.readAt)
            view.activeConnections = destination.activeConnections
            view.inactiveConnections = destination.inactiveConnections
            view.weight = destination.weight
            return (view, nil)
        } catch {
            return (nil, "the kernel's statistics could not be read: \(error)")
        }
    }
}

/// A resolved backend. `weight` is the weight in force now (health and ramp applied), as GORB
/// showed it; `configured-weight` is the file's (or the override's).
struct BackendView: Encodable, Equatable {
    var host: String
    var port: UInt16
    var weight: Int32
    var configuredWeight: Int32
    var method: String
    var drain: String
    var fallback: Bool
    var thresholds: ThresholdView?
    var pulse: PulseView

    enum CodingKeys: String, CodingKey {
        case host, port, weight
        case configuredWeight = "configured-weight"
        case method, drain, fallback, thresholds, pulse
    }

    init(_ backend: Backend, weight: Int32) {
        host = "\(backend.address)"
        port = backend.port
        self.weight = weight
        configuredWeight = backend.weight
        method = backend.forwarding.method.rawValue
        drain = DurationText.format(backend.drain)
        fallback = backend.fallback
        if backend.upperThreshold != 0 || backend.lowerThreshold != 0 {
            thresholds = ThresholdView(upper: backend.upperThreshold, lower: backend.lowerThreshold)
        }
        pulse = PulseView(backend.pulse)
    }
}

struct ThresholdView: Encodable, Equatable {
    var upper: UInt32
    var lower: UInt32
}

struct PulseView: Encodable, Equatable {
    var type: String
    var interval: String
    var timeout: String
    var rise: Int
    var fall: Int
    var ramp: String
    var inhibit: Bool
    var initial: String

    init(_ pulse: Pulse) {
        type = pulse.type.rawValue
        interval = DurationText.format(pulse.interval)
        timeout = DurationText.format(pulse.timeout)
        rise = pulse.rise
        fall = pulse.fall
        ramp = DurationText.format(pulse.ramp)
        inhibit = pulse.inhibit
        initial = pulse.initial.rawValue
    }
}

/// GORB's backend metrics, fixed: `uptime` is nanoseconds as its Go type (time.Duration) says
/// (GORB put seconds there), and a backend not checked yet is healthy (GORB said 0).
struct BackendMetrics: Encodable {
    /// GORB's codes: 0 up, 1 down, 2 removed.
    var status: Int
    /// The share of recent checks that passed, 0 to 1.
    var health: Double
    /// Time up in nanoseconds (GORB's field).
    var uptime: Int64
    /// The same in seconds.
    var uptimeSeconds: Double
    /// `unknown`, `up`, `down` or `draining`.
    var state: String
    var checks: Int
    var lastError: String?

    enum CodingKeys: String, CodingKey {
        case status, health, uptime
        case uptimeSeconds = "uptime-seconds"
        case state, checks
        case lastError = "last-error"
    }

    /// From the published state (status, uptime) and the probes' counters read now; a backend
    /// nothing checks is up and healthy, as in GORB.
    init(_ backend: BackendState, statistics: ProbeStatistics?, now: Double) {
        guard let status = backend.status, let verdict = backend.health else {
            self.init(status: 0, health: 1, uptime: 0, uptimeSeconds: 0, state: HealthStatus.unknown.rawValue, checks: 0, lastError: nil)
            return
        }
        let uptime = verdict.uptime(at: now)
        self.init(
            status: status == .down ? 1 : 0,
            health: statistics?.checkedHealth ?? 1,
            uptime: Int64((uptime * 1e9).rounded()),
            uptimeSeconds: uptime,
            state: status.rawValue,
            checks: statistics?.checks ?? 0,
            lastError: statistics?.lastError
        )
    }

    init(status: Int, health: Double, uptime: Int64, uptimeSeconds: Double, state: String, checks: Int, lastError: String?) {
        self.status = status
        self.health = health
        self.uptime = uptime
        self.uptimeSeconds = uptimeSeconds
        self.state = state
        self.checks = checks
        self.lastError = lastError
    }
}
