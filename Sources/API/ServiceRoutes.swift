import Checks
import Hummingbird
import Reconciler
import Spec
import YAMLBridge

/// GORB's endpoints: `/service`, `/service/{service}`, `/service/{service}/{backend}`. Changes
/// are overrides on top of the file; reads show the effective state (file ⊕ overlay).
extension GorbAPI {
    func addServiceRoutes(_ routes: inout RouteTable) {
        routes.add(.get, "/service") { _, _ in
            JSONBody.response(state.desired.services.map(\.id))
        }
        routes.add(.get, "/service/{service}") { _, context in
            let id = try context.parameters.require("service")
            guard let service = state.service(id) else { throw Self.noService(id) }
            var info = serviceInfo(service)
            (info.stats, info.statsError) = StatsView.of { () throws(ObservationError) in try controller.observe(service.service) }
            return JSONBody.response(info)
        }
        routes.add(.put, "/service/{service}") { request, context in
            let id = try context.parameters.require("service")
            let (change, created, expires) = try await Self.read(ServiceOptions.self, request)
            try Self.refuseConsulOptions(change.options)
            return try await commit(subject: id) { config throws(OverlayError) in
                guard config[serviceID: id] == nil else {
                    throw OverlayError(.exists, ["service '\(id)' exists already (PATCH /service/\(id) changes it)"])
                }
                return Override(service: id, action: .put, serviceOptions: change.options, created: created, expires: expires)
            }
        }
        routes.add(.patch, "/service/{service}") { request, context in
            let id = try context.parameters.require("service")
            let (change, created, expires) = try await Self.read(ServiceOptions.self, request)
            try Self.refuseConsulOptions(change.options)
            return try await commit(subject: id) { config throws(OverlayError) in
                guard config[serviceID: id] != nil else { throw Self.noService(id) }
                if change.isEmpty { return nil }
                return Override(service: id, action: .patch, serviceOptions: change.options, created: created, expires: expires)
            }
        }
        routes.add(.delete, "/service/{service}") { request, context in
            let id = try context.parameters.require("service")
            let (created, expires) = Self.lifetime(try Self.ttl(request))
            return try await commit(subject: id) { config throws(OverlayError) in
                guard config[serviceID: id] != nil else { throw Self.noService(id) }
                return Override(service: id, action: .delete, created: created, expires: expires)
            }
        }
        routes.add(.get, "/service/{service}/{backend}") { _, context in
            let id = try context.parameters.require("service")
            let backendID = try context.parameters.require("backend")
            guard let service = state.service(id) else { throw Self.noService(id) }
            guard let backend = service[backendID: backendID] else { throw Self.noBackend(id, backendID) }
            var info = backendInfo(backend, in: service)
            (info.stats, info.statsError) = StatsView.of { () throws(ObservationError) in try controller.observe(backend.backend, of: service.service) }
            return JSONBody.response(info)
        }
        routes.add(.put, "/service/{service}/{backend}") { request, context in
            let (id, backendID) = (try context.parameters.require("service"), try context.parameters.require("backend"))
            let (change, created, expires) = try await Self.read(BackendOptions.self, request)
            return try await commit(subject: "\(id)/\(backendID)") { config throws(OverlayError) in
                guard let service = config[serviceID: id] else { throw Self.noService(id) }
                guard service[backendID: backendID] == nil else {
                    throw OverlayError(.exists, ["backend '\(backendID)' of service '\(id)' exists already (PATCH changes it)"])
                }
                return Override(service: id, backend: backendID, action: .put, backendOptions: change.options, created: created, expires: expires)
            }
        }
        routes.add(.patch, "/service/{service}/{backend}") { request, context in
            let (id, backendID) = (try context.parameters.require("service"), try context.parameters.require("backend"))
            let (change, created, expires) = try await Self.read(BackendOptions.self, request)
            return try await commit(subject: "\(id)/\(backendID)") { config throws(OverlayError) in
                guard let service = config[serviceID: id] else { throw Self.noService(id) }
                guard service[backendID: backendID] != nil else { throw Self.noBackend(id, backendID) }
                if change.isEmpty { return nil }
                return Override(service: id, backend: backendID, action: .patch, backendOptions: change.options, created: created, expires: expires)
            }
        }
        routes.add(.delete, "/service/{service}/{backend}") { request, context in
            let id = try context.parameters.require("service")
            let backendID = try context.parameters.require("backend")
            let (created, expires) = Self.lifetime(try Self.ttl(request))
            return try await commit(subject: "\(id)/\(backendID)") { config throws(OverlayError) in
                guard let service = config[serviceID: id] else { throw Self.noService(id) }
                guard service[backendID: backendID] != nil else { throw Self.noBackend(id, backendID) }
                return Override(service: id, backend: backendID, action: .delete, created: created, expires: expires)
            }
        }
    }

    // MARK: - answers

    func serviceInfo(_ service: ServiceState) -> ServiceInfo {
        let regular = service.backends.filter { !$0.backend.fallback }
        let healths = regular.map { statistics(of: $0, in: service)?.checkedHealth ?? 1 }
        let healthy = service.standing?.healthy ?? regular.count
        return ServiceInfo(
            options: ServiceView(service.service),
            health: healths.isEmpty ? 1 : healths.reduce(0, +) / Double(healths.count),
            backends: service.backends.map(\.id),
            quorum: QuorumView(required: service.service.quorum, healthy: healthy, met: healthy >= service.service.quorum),
            vip: ServiceVIPView(service.service, in: vipsState),
            bgp: bgpView(ofService: service.id)
        )
    }

    func backendInfo(_ backend: BackendState, in service: ServiceState) -> BackendInfo {
        BackendInfo(
            options: BackendView(backend.backend, weight: backend.weight),
            metrics: BackendMetrics(backend, statistics: statistics(of: backend, in: service), now: WallTime.current().seconds)
        )
    }

    private func statistics(of backend: BackendState, in service: ServiceState) -> ProbeStatistics? {
        health?.statistics(of: BackendKey(service: service.id, backend: backend.id))
    }

    // MARK: - changes

    /// Records an override through the controller and waits for the pass that applies it, so
    /// `200` means "in the kernel", as with GORB.
    func commit(subject: String, _ decide: @escaping @Sendable (Config) throws(OverlayError) -> Override?) async throws -> Response {
        let ticket: Int?
        do {
            ticket = try await controller.change(decide)
        } catch {
            throw APIFailure(error)
        }
        guard let ticket else { return JSONBody.empty }
        return try await answerAfterPass(ticket, subject: subject)
    }

    /// `200` once the pass ran; `500` naming the kernel's reason if it refused this object (the
    /// override is kept and retried by later passes); `202` if the pass is slow to come.
    func answerAfterPass(_ ticket: Int, subject: String) async throws -> Response {
        let controller = self.controller
        let report: PassReport?? = await withTaskGroup(of: PassReport??.self) { group in
            group.addTask { .some(await controller.waitForPass(ticket)) }
            group.addTask { [applyTimeout] in
                try? await Task.sleep(for: applyTimeout)
                return .none
            }
            let first = await group.next() ?? .none
            group.cancelAll()
            return first
        }
        guard case .some(let report) = report, let report else {
            return JSONBody.response(["status": "accepted: the change is recorded; the pass that applies it has not finished yet"], status: .accepted)
        }
        let failures = report.failures.filter { $0.subject == subject || $0.subject.hasPrefix(subject + "/") || subject.hasPrefix($0.subject + "/") }
        if !failures.isEmpty {
            throw APIFailure(.internalServerError, failures.map { "the change is recorded and will be retried, but the kernel refused it: \($0)" })
        }
        return JSONBody.empty
    }

    /// A PUT or PATCH body, with when it was made and when it expires.
    static func read<Options: NodeReadable & Sendable>(_ type: Options.Type, _ request: Request) async throws -> (ChangeRequest<Options>, created: Double, expires: Double?) {
        let change = try await ChangeRequest<Options>.read(request, ttlQuery: request.uri.queryParameters["ttl"].map(String.init))
        let (created, expires) = lifetime(change.ttl)
        return (change, created, expires)
    }

    static func lifetime(_ ttl: Duration?) -> (created: Double, expires: Double?) {
        let now = WallTime.current().seconds
        guard let ttl else { return (now, nil) }
        let (seconds, attoseconds) = ttl.components
        return (now, now + Double(seconds) + Double(attoseconds) / 1e18)
    }

    /// `?ttl=30m` on a DELETE: remove for a while.
    static func ttl(_ request: Request) throws -> Duration? {
        guard let text = request.uri.queryParameters["ttl"] else { return nil }
        guard let duration = DurationText.parse(String(text)), duration > .zero else {
            throw APIFailure(.badRequest, "ttl: expected a positive duration such as \"30m\", found '\(text)'")
        }
        return duration
    }

    static func noService(_ id: String) -> OverlayError {
        OverlayError(.notFound, ["service '\(id)' does not exist"])
    }

    static func noBackend(_ service: String, _ backend: String) -> OverlayError {
        OverlayError(.notFound, ["service '\(service)' has no backend '\(backend)'"])
    }
}
