import Hummingbird
import Reconciler
import Spec

/// What operating a reconciler needs beyond GORB: status, plan, reload, health, metrics and the
/// API's own description.
extension GorbAPI {
    func addOperationRoutes(_ routes: inout RouteTable) {
        routes.add(.get, "/status") { _, _ in
            let state = state
            var view = StatusView(state.status, config: state.desired, overrides: state.overlay.overrides.count)
            view.store = controller.overlayStore.status.map(StoreStatusView.init)
            view.vips = vipsState.flatMap(VIPsStatusView.init)
            view.maintenance = MaintenanceView(state.maintenance)
            view.bgp = bgpStatus.map(BGPStatusView.init)
            return JSONBody.response(StatusWithPeers(base: view, peers: peers))
        }
        routes.add(.get, "/plan") { _, _ in
            do {
                let outcome = try await controller.plan()
                return JSONBody.response(PlanView(outcome))
            } catch {
                throw APIFailure(.internalServerError, "cannot plan: \(error)")
            }
        }
        routes.add(.post, "/reload") { _, _ in
            guard await controller.reload() else {
                let errors = await controller.status.configErrors
                throw APIFailure(.unprocessableContent, ["the file was not reloaded; the last good one stays in force"] + errors)
            }
            let ticket = await controller.trigger(.change)
            let config = await controller.currentConfig
            return JSONBody.response(["services": config.services.count, "backends": config.backendCount, "pass": ticket])
        }
        routes.add(.get, "/healthz") { _, _ in
            JSONBody.response(["status": "ok"])
        }
        routes.add(.get, "/metrics") { _, _ in
            let text = MetricsText.render(self) + peers.map { $0.metrics() }.joined()
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text))
            )
        }
        routes.add(.get, "/openapi.json") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json))
            )
        }
    }
}

/// `GET /status`.
struct StatusView: Encodable {
    struct ConfigView: Encodable {
        var path: String
        var lastReload: String?
        var lastReloadSucceeded: Bool
        var errors: [String]
        var reloads: Int
        var reloadFailures: Int

        enum CodingKeys: String, CodingKey {
            case path
            case lastReload = "last-reload"
            case lastReloadSucceeded = "last-reload-succeeded"
            case errors, reloads
            case reloadFailures = "reload-failures"
        }
    }

    struct PassView: Encodable {
        var time: String?
        var succeeded: Bool
        var applied: Int
        var failed: Int
        var draining: Int
        var durationSeconds: Double
        var errors: [String]

        enum CodingKeys: String, CodingKey {
            case time, succeeded, applied, failed, draining
            case durationSeconds = "duration-seconds"
            case errors
        }
    }

    struct CountsView: Encodable {
        var services: Int
        var backends: Int
        var overrides: Int
        var overridesNotInForce: Int

        enum CodingKeys: String, CodingKey {
            case services, backends, overrides
            case overridesNotInForce = "overrides-not-in-force"
        }
    }

    var config: ConfigView
    var lastPass: PassView?
    var counts: CountsView
    var passes: Int
    var changesApplied: Int
    var driftRepaired: Int
    var overrideProblems: [String]
    /// The fleet store, when the overlay lives in one (StoreStatusView.swift).
    var store: StoreStatusView?
    /// The VIP keeper, when `settings.vips` is set.
    var vips: VIPsStatusView?
    /// Host maintenance (`POST /maintenance`).
    var maintenance: MaintenanceView?
    /// The BGP announcer; absent without `settings.bgp`.
    var bgp: BGPStatusView?

    enum CodingKeys: String, CodingKey {
        case store
        case maintenance, bgp
        case config
        case lastPass = "last-pass"
        case counts, passes
        case changesApplied = "changes-applied"
        case driftRepaired = "drift-repaired"
        case overrideProblems = "override-problems"
        case vips
    }

    init(_ status: ControllerStatus, config: Config, overrides: Int) {
        self.config = ConfigView(
            path: status.configPath,
            lastReload: status.lastReloadAt.map { OverrideView.timestamp($0.seconds) },
            lastReloadSucceeded: status.lastReloadSucceeded,
            errors: status.configErrors,
            reloads: status.reloads,
            reloadFailures: status.reloadFailures
        )
        if let report = status.lastPass {
            let (seconds, attoseconds) = report.duration.components
            lastPass = PassView(
                time: status.lastPassAt.map { OverrideView.timestamp($0.seconds) },
                succeeded: report.succeeded && status.lastError == nil,
                applied: report.applied,
                failed: report.failures.count,
                draining: report.draining,
                durationSeconds: Double(seconds) + Double(attoseconds) / 1e18,
                errors: report.failures.map(\.description)
            )
        } else if let error = status.lastError {
            lastPass = PassView(time: status.lastPassAt.map { OverrideView.timestamp($0.seconds) }, succeeded: false, applied: 0, failed: 0, draining: 0, durationSeconds: 0, errors: [error])
        }
        counts = CountsView(services: config.services.count, backends: config.backendCount, overrides: overrides, overridesNotInForce: status.overlayProblems.count)
        passes = status.passes
        changesApplied = status.changesApplied
        driftRepaired = status.driftRepaired
        overrideProblems = status.overlayProblems.map(\.description)
    }
}

/// `GET /plan`: what the next pass would change, as `gorb-reconcile plan --json` prints it.
struct PlanView: Encodable {
    struct Step: Encodable {
        var kind: String
        var change: String
        var subject: String
    }

    var inSync: Bool
    var changes: [Step]
    var problems: [String]

    enum CodingKeys: String, CodingKey {
        case inSync = "in-sync"
        case changes, problems
    }

    init(_ outcome: PlanOutcome) {
        changes = outcome.plan.steps.map { Step(kind: $0.kind.rawValue, change: "\($0.change)", subject: $0.subject) }
        inSync = changes.isEmpty
        problems = outcome.problems.map(\.description)
    }
}
