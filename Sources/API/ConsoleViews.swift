import Checks
import Reconciler
import Spec

/// One service as the web console (`GET /events`) shows it: the file's vocabulary of
/// `GET /service/{id}` (`options`, `quorum`) plus its backends with every stage of their weight.
///
/// Only what changes with a pass is here (config, weights, health status), so an entry's JSON
/// changes only when the service does and an event carries only the services that changed. What
/// changes every second (the kernel's rates, the probes' last check) goes in the `stats` event
/// instead (``ConsoleStats``).
struct ConsoleService: Encodable, Equatable {
    var id: String
    var options: ServiceView
    var quorum: QuorumView
    /// It has its quorum (always, when nothing checks health).
    var up: Bool
    /// The kernel held the service after the last pass.
    var inKernel: Bool
    /// Overrides on the service itself (not on its backends).
    var overrides: [ConsoleOverrideMark]
    var backends: [ConsoleBackend]

    enum CodingKeys: String, CodingKey {
        case id, options, quorum, up
        case inKernel = "in-kernel"
        case overrides, backends
    }

    init(_ service: ServiceState, overrides: ConsoleOverrideIndex) {
        id = service.id
        options = ServiceView(service.service)
        let regular = service.backends.filter { !$0.backend.fallback }
        let healthy = service.standing?.healthy ?? regular.count
        quorum = QuorumView(required: service.service.quorum, healthy: healthy, met: healthy >= service.service.quorum)
        up = service.up
        inKernel = service.kernel != nil
        self.overrides = overrides.marks(service: service.id, backend: nil)
        backends = service.backends.map { ConsoleBackend($0, in: service.id, overrides: overrides) }
    }
}

/// One backend: why it has the weight it has, from the file to the kernel.
struct ConsoleBackend: Encodable, Equatable {
    var id: String
    /// As `GET /service/{id}/{backend}` shows it (`weight` there is the weight in force).
    var options: BackendView
    /// `up`, `down`, `draining` (weight 0 asked for), `unknown` (not checked yet) or `unchecked`
    /// (nothing checks it).
    var state: String
    /// When it last came up (RFC 3339), for its uptime.
    var upSince: String?
    /// The file's weight; absent when the backend exists only through the REST API.
    var fileWeight: Int32?
    /// The weight the file or an override asks for.
    var desiredWeight: Int32
    /// What health does to it: `full`, `out`, `ramp 3/10`, `ceiling 40`.
    var healthFactor: String
    /// The desired weight with health applied: what the kernel is given.
    var weight: Int32
    /// What the kernel held after the last pass; absent when it holds no such backend.
    var kernelWeight: Int32?
    var overrides: [ConsoleOverrideMark]

    enum CodingKeys: String, CodingKey {
        case id, options, state
        case upSince = "up-since"
        case fileWeight = "file-weight"
        case desiredWeight = "desired-weight"
        case healthFactor = "health-factor"
        case weight
        case kernelWeight = "kernel-weight"
        case overrides
    }

    init(_ backend: BackendState, in service: String, overrides: ConsoleOverrideIndex) {
        id = backend.id
        options = BackendView(backend.backend, weight: backend.weight)
        state = backend.status?.rawValue ?? "unchecked"
        upSince = backend.health?.upSince.map(OverrideView.timestamp)
        fileWeight = backend.fileWeight
        desiredWeight = backend.desiredWeight
        healthFactor = Self.describe(backend.health?.factor ?? .full)
        weight = backend.weight
        kernelWeight = backend.kernelWeight
        self.overrides = overrides.marks(service: service, backend: backend.id)
    }

    static func describe(_ factor: HealthFactor) -> String {
        switch factor {
        case .full: "full"
        case .out: "out"
        case .ramp(let step): "ramp \(step)/\(WeightRamp.steps)"
        case .ceiling(let weight): "ceiling \(weight)"
        }
    }
}

/// An override on a service or backend, as the console marks it: what it does and when it ends.
struct ConsoleOverrideMark: Encodable, Equatable {
    var action: String
    var fields: [String]?
    /// RFC 3339; absent: until removed.
    var expires: String?
    var inForce: Bool

    enum CodingKeys: String, CodingKey {
        case action, fields, expires
        case inForce = "in-force"
    }
}

/// The overlay's overrides by subject, built once per published state so that marking each of
/// 1,000 services costs a lookup, not a scan.
struct ConsoleOverrideIndex {
    private var marks: [String: [ConsoleOverrideMark]] = [:]

    init(_ overlay: Overlay, problems: [OverlayProblem]) {
        let refused = Set(problems.map(\.override))
        for override in overlay.overrides {
            let view = OverrideView(override, problem: refused.contains(override) ? "" : nil)
            let mark = ConsoleOverrideMark(action: view.action, fields: view.fields, expires: view.expires, inForce: view.inForce)
            marks[Self.subject(override.service, override.backend), default: []].append(mark)
        }
    }

    func marks(service: String, backend: String?) -> [ConsoleOverrideMark] {
        marks[Self.subject(service, backend)] ?? []
    }

    private static func subject(_ service: String, _ backend: String?) -> String {
        backend.map { "\(service)/\($0)" } ?? service
    }
}

/// What the console shows besides the services: the loop's status (last reload with its
/// `FILE:LINE:COL` errors, last pass), the overrides, the plan when the kernel is out of sync,
/// what the token guards, and the optional sections other consumers publish.
struct ConsoleGlobals: Encodable {
    var status: StatusView
    var overrides: [OverrideView]
    /// What the next pass would change; present only after a pass that left the kernel out of
    /// sync (planning reads the whole kernel table, so it is not done for every pass).
    var plan: PlanView?
    /// What needs the token: `none`, `mutating` or `all`; the page asks for it when not `none`.
    var auth: String
    var sections: [String: ConsoleSectionValue]

    init(_ state: LoadBalancerState, plan: PlanView?, auth: String, sections: [String: ConsoleSectionValue]) {
        status = StatusView(state.status, config: state.desired, overrides: state.overlay.overrides.count)
        overrides = OverridesView(state.overlay, problems: state.status.overlayProblems).overrides
        self.plan = plan
        self.auth = auth
        self.sections = sections
    }
}

/// One optional section's value (BGP announcements, maintenance, Consul): whatever JSON its
/// consumer's status encodes to.
struct ConsoleSectionValue: Encodable {
    let value: any Encodable & Sendable

    func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
    }
}
