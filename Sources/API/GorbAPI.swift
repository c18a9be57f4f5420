public import BGP
public import Checks
public import Hummingbird
import NIOCore
public import Logging
public import Publishing
public import Reconciler
public import VIPs

/// The REST API: GORB's endpoints (same paths, field names, shapes and status codes, without its
/// bugs) as an overlay on the file, plus what operating a reconciler needs: status, plan, reload,
/// overrides, metrics, health and the OpenAPI document.
///
/// Every read answers from the state the controller published after its last pass
/// (``LoadBalancerState``), with the kernel's counters and the probes' counters read for the
/// request. Every change goes through ``Controller``: validated by the file's rules, saved to the
/// state directory, then applied by a reconcile pass, which the request waits for (as GORB's
/// requests waited for their netlink call), so `200` means "in the kernel".
public struct GorbAPI: Sendable {
    let controller: Controller
    /// The probes' counters (``ProbeStatistics``), read per request; `nil`: nothing checks health.
    let health: HealthMonitor?
    /// The VIP keeper's state (``VIPsState``); `nil`: no keeper runs.
    let vips: LatestValue<VIPsState>?
    let auth: APIAuth
    /// The BGP announcer's own state; `nil` when `settings.bgp` is not set.
    let bgp: LatestValue<BGPStatus>?
    let logger: Logger
    /// How long a change waits for the pass that applies it before answering anyway.
    let applyTimeout: Duration
    /// Consumers' own reports (`PeerReport.swift`), in `/status` and `/metrics`.
    let peers: [PeerReport]
    /// The web console's live feed (`GET /events`); the daemon runs it as a service.
    public let console: ConsoleFeed

    public init(controller: Controller, health: HealthMonitor?, vips: LatestValue<VIPsState>? = nil, auth: APIAuth = .none, bgp: LatestValue<BGPStatus>? = nil, applyTimeout: Duration = .seconds(10), peers: [PeerReport] = [], sections: ConsoleSections = .init(), logger: Logger) {
        self.controller = controller
        self.peers = peers
        console = ConsoleFeed(controller: controller, health: health, auth: auth, sections: sections, logger: logger)
        self.health = health
        self.vips = vips
        self.auth = auth
        self.bgp = bgp
        self.applyTimeout = applyTimeout
        self.logger = logger
    }

    /// The router with every route; also what the tests drive.
    /// The state published after the last pass.
    var state: LoadBalancerState { controller.state.current }
    /// The VIP keeper's last sync; `nil` when no keeper runs.
    var vipsState: VIPsState? { vips?.current }

    public func router() -> Router<BasicRequestContext> {
        build().router
    }

    /// Every method and path the router serves, as registered (the OpenAPI contract test
    /// compares the document with this).
    public func routes() -> [APIRoute] {
        build().routes
    }

    private func build() -> RouteTable {
        let router = Router()
        var table = RouteTable(router: router)
        router.add(middleware: ErrorShapeMiddleware(allowed: table.box.methods(matching:)))
        router.add(middleware: CrossSiteMiddleware(hasToken: auth.token != nil))
        router.add(middleware: AuthMiddleware(auth: auth))
        addServiceRoutes(&table)
        addOverrideRoutes(&table)
        addOperationRoutes(&table)
        addConsoleRoutes(&table)
        addMaintenanceRoutes(&table)
        return table
    }

    /// The HTTP servers for the daemon's service group, one per address (`-l` may be repeated: a
    /// TCP port and a unix socket), all answering with one router. A request must arrive whole
    /// within `requestTimeout` of its header (408 and the connection closed otherwise); idle
    /// connections close after 60 s.
    public func applications(
        at addresses: [BindAddress],
        requestTimeout: Duration = .seconds(10),
        onServerRunning: @escaping @Sendable (BindAddress, Int?) async -> Void = { _, _ in }
    ) -> [some ApplicationProtocol] {
        let responder = router().buildResponder()
        let deadline = TimeAmount(requestTimeout)
        return addresses.map { address in
            Application(
                responder: responder,
                server: .http1(configuration: .init(additionalChannelHandlers: [RequestDeadlineHandler(timeout: deadline)], idleTimeout: .seconds(60))),
                configuration: .init(address: address, serverName: "gorb-reconcile"),
                onServerRunning: { channel in await onServerRunning(address, channel.localAddress?.port) },
                logger: logger
            )
        }
    }
}
