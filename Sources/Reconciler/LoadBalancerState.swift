public import Checks
public import IPVS
public import Spec

/// What the load balancer is doing now, as one immutable value: published by ``Controller``
/// after every pass (``Controller/state``) for every consumer to read: the REST API, `/metrics`,
/// `systemd` status, and the coming VIP/BGP, Consul and web console work.
///
/// It holds the inputs of the pass (the file, the overlay, the health verdicts), what they
/// composed to, and what the kernel held; the per-service views are computed when read, so
/// publishing costs nothing however large the table is.
public struct LoadBalancerState: Sendable {
    /// The last good file (as written and resolved).
    public var file: ValidatedFile
    /// The REST API's overrides, kept (some may not be in force: ``ControllerStatus/overlayProblems``).
    public var overlay: Overlay
    /// The config in force before health: `file ⊕ overlay`.
    public var desired: Config
    /// The health checks' verdicts the pass used; `nil` when nothing checks health.
    public var health: HealthVerdicts?
    /// `desired × health`: the weights in force and each service's quorum standing.
    public var composition: Composition
    /// The kernel's objects of the config after the last pass (weights, counters and rates as
    /// read at its start); `nil` before the first pass or when it could not read the kernel.
    public var kernel: KernelRead?
    /// The loop's counters, the last pass and the last reload.
    public var status: ControllerStatus
    /// Host maintenance: consumers take this host out of the tier while it is on.
    public var maintenance: Maintenance

    public init(file: ValidatedFile, overlay: Overlay, desired: Config, health: HealthVerdicts?, composition: Composition, kernel: KernelRead?, status: ControllerStatus, maintenance: Maintenance = Maintenance()) {
        self.file = file
        self.overlay = overlay
        self.desired = desired
        self.health = health
        self.composition = composition
        self.kernel = kernel
        self.status = status
        self.maintenance = maintenance
    }

    /// Every service in force, in the file's order.
    public var services: [ServiceState] { desired.services.indices.map(service(at:)) }

    /// One service in force, by id.
    public func service(_ id: String) -> ServiceState? {
        desired.services.firstIndex { $0.id == id }.map(service(at:))
    }

    private func service(at index: Int) -> ServiceState {
        let service = desired.services[index]
        let effective = composition.effective.services[index]
        let fileService = file.service(service.id)
        let held = kernel?.objects(of: service.id)
        let backends = service.backends.indices.map { position in
            let backend = service.backends[position]
            return BackendState(
                backend: backend,
                fileWeight: fileService?[backendID: backend.id]?.weight,
                weight: effective.backends[position].weight,
                health: health?[service.id, backend.id],
                kernel: held?.backends[backend.id]
            )
        }
        return ServiceState(service: service, standing: composition.standings[service.id], backends: backends, kernel: held?.service)
    }
}

/// One service as the load balancer runs it.
public struct ServiceState: Sendable {
    /// As desired (`file ⊕ overlay`).
    public var service: Service
    /// Its healthy backends against its quorum; `nil` when nothing checks health.
    public var standing: Composition.Standing?
    public var backends: [BackendState]
    /// The kernel's service with its counters; `nil` when the kernel does not hold it.
    public var kernel: IPVSService?

    public var id: String { service.id }

    /// At least `quorum` healthy backends (always, when nothing checks health).
    public var up: Bool { standing?.up ?? true }

    public subscript(backendID id: String) -> BackendState? { backends.first { $0.id == id } }
}

/// One backend as the load balancer runs it: its weight at every stage from the file to the kernel.
public struct BackendState: Sendable {
    /// As desired (`file ⊕ overlay`): `backend.weight` is the weight the file or an override asks for.
    public var backend: Backend
    /// The file's own weight; `nil` when the backend exists only through the REST API.
    public var fileWeight: Int32?
    /// The weight in force: the desired weight with health applied (what the kernel is given).
    public var weight: Int32
    /// The health checks' verdict; `nil` when nothing checks health or it is not checked yet.
    public var health: HealthVerdict?
    /// The kernel's destination with its counters; `nil` when the kernel does not hold it.
    public var kernel: IPVSDestination?

    public init(backend: Backend, fileWeight: Int32?, weight: Int32, health: HealthVerdict?, kernel: IPVSDestination?) {
        self.backend = backend
        self.fileWeight = fileWeight
        self.weight = weight
        self.health = health
        self.kernel = kernel
    }

    public var id: String { backend.id }

    /// The weight the file or an override asks for.
    public var desiredWeight: Int32 { backend.weight }

    /// The kernel's weight, as of the last pass.
    public var kernelWeight: Int32? { kernel?.weight }

    /// An override changed the file's weight.
    public var weightOverridden: Bool { fileWeight != backend.weight }

    /// The health status, `draining` when the operator asked for weight 0 (and it is not down);
    /// `nil` when nothing checks health.
    public var status: HealthStatus? {
        guard let health else { return nil }
        if backend.weight == 0, health.status != .down { return .draining }
        return health.status
    }
}
