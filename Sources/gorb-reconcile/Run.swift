import API
import BGP
import ArgumentParser
import Checks
import FleetStore
import Foundation
import Hummingbird
import IPVS
import IPVSTesting
import Logging
import NIOPosix
import Publishing
import Reconciler
import RouteNetlink
import ServiceLifecycle
import Spec
import SystemdNotify
import UnixSignals
import VIPs

/// `gorb-reconcile run`: the daemon.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keep the kernel matching the file: reconcile at start, on SIGHUP, and every resync.",
        discussion: """
            SIGHUP re-reads the file: a valid one is applied, an invalid one is logged with its \
            FILE:LINE:COL errors and changes nothing. SIGTERM/SIGINT stop the daemon and leave the \
            kernel as it is, so a restart changes nothing and drops no traffic (--cleanup-on-exit \
            removes what it owns instead). The short flags keep GORB's meanings.
            """
    )

    @OptionGroup var config: ConfigOptions
    @OptionGroup var kernel: KernelOptions

    @Flag(name: .customShort("f"), help: "Flush the whole IPVS table at start, owned or not (GORB's -f).")
    var flush = false

    @Option(name: .customShort("l"), help: ArgumentHelp("REST API listen address: host:port, :port (every interface, as GORB), [v6]:port, unix:/path (a socket, mode 0660), or 'none' (GORB's -l). Repeat it to listen on several. Anything but loopback or a unix socket needs --api-token-file (or --api-insecure).", valueName: "address"))
    var listen: [String] = ["127.0.0.1:4672"]

    @Flag(name: .customLong("api-insecure"), help: "Serve the REST API on a non-loopback address without a token (anyone who can reach it can drain every backend); a warning is logged at every start.")
    var apiInsecure = false

    @Option(name: .customLong("api-socket-group"), help: ArgumentHelp("The group that may use the unix socket of -l unix:PATH (mode 0660: the daemon's user and this group).", valueName: "group"))
    var apiSocketGroup: String?

    @Option(name: .customLong("api-token-file"), help: ArgumentHelp("A file holding the bearer token the REST API requires (see --api-auth).", valueName: "file"))
    var apiTokenFile: String?

    @Option(name: .customLong("api-auth"), help: "What needs the token: 'mutating' (PUT, PATCH, DELETE, POST) or 'all' (every request but GET /healthz).")
    var apiAuth: APIAuthScope = .mutating

    @Flag(name: .customLong("fake-kernel"), help: "Use an in-memory IPVS table instead of the kernel: for trying the API, tests and benchmarks on hosts without IPVS.")
    var fakeKernel = false

    @Option(name: .customShort("c"), help: ArgumentHelp("Consul agent URL (GORB's -c), e.g. http://127.0.0.1:8500: register the services with checks that follow their health; wins over settings.consul.address.", valueName: "url"))
    var consul: String?

    @Option(help: ArgumentHelp("Override settings.resync (e.g. 10s).", valueName: "duration"))
    var resync: String?

    @Flag(name: .customLong("cleanup-on-exit"), help: "On SIGTERM/SIGINT, delete every service and remove every VIP address this daemon owns.")
    var cleanupOnExit = false

    func validate() throws {
        if let resync {
            guard let duration = DurationText.parse(resync) else {
                throw ValidationError("--resync takes a duration like 10s or 1m, found '\(resync)'")
            }
            if let problem = Settings.resyncProblem(duration, written: resync) { throw ValidationError("--resync: \(problem)") }
        }
        if let consul, let problem = ConsulSettings.addressProblem(consul) { throw ValidationError("-c: \(problem)") }
        for address in listen where address != "none" && Listener.parse(address) == nil {
            throw ValidationError("-l takes host:port, :port, [ipv6]:port, unix:/absolute/path or 'none', found '\(address)'")
        }
    }

    /// Where the API listens; none with `-l none`.
    var listeners: [Listener] { listen.contains("none") ? [] : listen.compactMap(Listener.parse) }

    /// Refuses an API that other hosts can reach without a token, unless told to serve it anyway.
    func checkExposure(logger: Logger) throws {
        let exposed = listeners.filter { !$0.isLocal }
        guard !exposed.isEmpty, apiTokenFile == nil else { return }
        let list = exposed.map(\.description).joined(separator: ", ")
        if apiInsecure {
            logger.warning("--api-insecure: the REST API listens on \(list) without a token: anyone who can reach it can drain every backend and reload the balancer")
            return
        }
        logger.critical("refusing to serve the REST API on \(list) without a token: anyone who can reach it could drain every backend. Give --api-token-file FILE, listen on loopback or a unix socket (-l 127.0.0.1:4672, -l unix:/run/gorb/api.sock), or accept the risk with --api-insecure")
        throw ExitCode(1)
    }

    /// The token from --api-token-file; the daemon refuses to start with an unreadable or empty one
    /// rather than serve an API it was told to protect.
    func readToken(logger: Logger) throws -> String? {
        guard let apiTokenFile else { return nil }
        guard let data = FileManager.default.contents(atPath: apiTokenFile),
              let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !token.isEmpty
        else {
            logger.critical("cannot read a token from --api-token-file", metadata: ["file": "\(apiTokenFile)"])
            throw ExitCode(1)
        }
        return token
    }

    func run() async throws {
        let logger = LogSetup.bootstrap(kernel)
        try checkExposure(logger: logger)
        if let apiSocketGroup, getgrnam(apiSocketGroup) == nil {
            logger.critical("--api-socket-group: no such group '\(apiSocketGroup)'")
            throw ExitCode(1)
        }
        let initial = try KernelSession.loadFile(config)
        let token = try readToken(logger: logger)
        let store = StateStore(directory: kernel.stateDirectory)
        // One writer at a time: held until the process ends; `apply` refuses and `plan` asks
        // this daemon while it is held.
        let lock: StateLock
        do {
            lock = try StateLock.acquire(directory: kernel.stateDirectory)
        } catch {
            logger.critical("\(error); stop it first, or give this one another --state-dir")
            throw ExitCode(1)
        }
        defer { withExtendedLifetime(lock) {} }
        let overlay: Overlay
        let fleet = try await FleetStoreStart.open(initial.config.settings.store, state: store, logger: logger)
        if let fleet {
            overlay = fleet.current.overlay
        } else {
            do {
                overlay = try store.loadOverlay()
            } catch {
                logger.critical("cannot read the REST API overrides", metadata: ["error": "\(error)"])
                throw ExitCode(1)
            }
        }

        let maintenance: Maintenance
        do {
            maintenance = try store.loadMaintenance()
        } catch {
            logger.critical("cannot read the host maintenance", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        if maintenance.enabled { logger.notice("in maintenance since the last run: nothing is announced", metadata: ["reason": "\(maintenance.reason ?? "-")"]) }

        let ipvs: any IPVS
        var kernelIPVS: KernelIPVS?
        if fakeKernel {
            ipvs = FakeIPVS()
            logger.warning("--fake-kernel: changes go to an in-memory table, not the kernel")
        } else {
            do {
                kernelIPVS = try KernelIPVS(logger: logger)
                ipvs = kernelIPVS!
            } catch {
                logger.critical("cannot reach IPVS", metadata: ["error": "\(error)"])
                throw ExitCode(1)
            }
        }
        defer { kernelIPVS?.close() }
        let reconciler = Reconciler(ipvs: ipvs, store: store, logger: logger)
        if flush {
            do {
                try reconciler.flushAll()
            } catch {
                logger.critical("cannot flush IPVS (is the ip_vs module loaded?)", metadata: ["error": "\(error)"])
                throw ExitCode(1)
            }
        }
        let options = config
        // The controller follows the health checks' verdicts, and they follow its desired config:
        // two published values, each with one writer.
        let verdicts = LatestValue(HealthVerdicts())
        let controller = Controller(
            reconciler: reconciler,
            initial: initial,
            overlay: overlay,
            overlayStore: fleet,
            maintenance: maintenance,
            loadFile: { () throws(ConfigErrors) -> ValidatedFile in
                switch ConfigReader.read(options) {
                case .success(let file): return file
                case .failure(let diagnostics): throw diagnostics
                }
            },
            resync: resync.flatMap(DurationText.parse),
            health: verdicts,
            logger: logger
        )
        // Probes on NIO's shared event loops, exec checks on its shared thread pool.
        let monitor = HealthMonitor(
            group: MultiThreadedEventLoopGroup.singleton,
            prober: NIOProber(threadPool: NIOThreadPool.singleton),
            desired: controller.desired,
            publishingTo: verdicts,
            logger: logger
        )
        monitor.update(controller.desired.current)
        // Before the first pass: checks resume from what the kernel holds, so a restart gives no
        // backend that the last run held down, or mid-ramp, more weight than it has now.
        do {
            monitor.resume(kernelWeights: try controller.observe(controller.desired.current).weights)
        } catch {
            logger.warning("cannot read the kernel's weights at start; backends not checked yet get their full weight", metadata: ["error": "\(error)"])
        }
        monitor.publishNow()
        let notifications = ServiceNotifications.fromEnvironment(ProcessInfo.processInfo.environment)
        let summary = StatusSummary(controller: controller)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: monitor),
            .init(service: ControllerService(controller: controller)),
            .init(service: ReloadOnHangup(controller: controller, notifications: notifications, summary: summary, logger: logger)),
            .init(service: SystemdReadiness(notifications: notifications, controller: controller, summary: summary, logger: logger)),
        ]
        if let fleet { services.append(.init(service: FleetStoreService(store: fleet, controller: controller))) }
        let registrar = try consulRegistrar(settings: initial.config.settings.consul, states: controller.state, logger: logger)
        if let registrar { services.append(.init(service: registrar)) }
        let keeper = makeVIPKeeper(store: kernel.stateDirectory, source: controller.state, logger: logger)
        if let keeper { services.append(.init(service: keeper)) }
        // The BGP announcer follows the published state and, with settings.vips, announces only
        // the VIPs the keeper has on the interface (decided at start: a reload that turns
        // settings.vips on or off takes effect for BGP at the next start).
        let present = initial.config.settings.vips == nil ? nil : keeper.map(PresentVIPs.init)
        if let present { services.append(.init(service: present)) }
        let announcer = initial.config.settings.bgp.map { Announcer(settings: $0, states: controller.state, present: present?.present, logger: logger) }
        let sections = ConsoleTier.sections(announcer: announcer, registrar: registrar, states: controller.state)
        let api = GorbAPI(controller: controller, health: monitor, vips: keeper?.state, auth: APIAuth(token: token, scope: apiAuth.scope), bgp: announcer?.status, peers: registrar.map { [$0.report] } ?? [], sections: sections, logger: logger)
        for listener in listeners {
            do {
                try listener.prepare()
            } catch {
                logger.critical("cannot listen", metadata: ["error": "\(error)"])
                throw ExitCode(1)
            }
            let group = apiSocketGroup
            let auth = token == nil ? "none" : apiAuth.rawValue
            for application in api.applications(at: [listener.bindAddress], onServerRunning: { _, port in
                do {
                    try listener.secure(group: group)
                } catch {
                    logger.error("the API socket is not secured", metadata: ["error": "\(error)"])
                }
                logger.notice("REST API listening", metadata: ["address": "\(listener)", "port": "\(port.map(String.init) ?? "-")", "auth": "\(auth)"])
            }) {
                services.append(.init(service: application))
            }
        }
        // Last, so it stops first: its end closes every open `GET /events`, which the HTTP
        // servers' graceful shutdown would otherwise wait for.
        services.append(.init(service: ConsoleFeedService(feed: api.console)))
        // Last, so the group shuts it down first: every route is withdrawn and the grace waited
        // for while the loop, the checks and the API still run.
        if let announcer { services.append(.init(service: announcer)) }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        logger.notice("started", metadata: ["config": "\(config.path)", "services": "\(initial.config.services.count)", "overrides": "\(overlay.overrides.count)"])
        try await group.run()
        if cleanupOnExit {
            do {
                let removed = try reconciler.removeOwned()
                logger.notice("removed owned services on exit", metadata: ["count": "\(removed)"])
            } catch {
                logger.error("cleanup on exit failed", metadata: ["error": "\(error)"])
            }
            do {
                let removed = try await keeper?.removeOwned() ?? 0
                logger.notice("removed owned VIPs on exit", metadata: ["count": "\(removed)"])
            } catch {
                logger.error("VIP cleanup on exit failed", metadata: ["error": "\(error)"])
            }
        }
        await keeper?.close()
        logger.notice("stopped; the kernel table is left as it is")
    }
}

extension Run {
    /// The VIP keeper, which idles until `settings.vips` is set (a reload may set it). With
    /// `--fake-kernel` its addresses are in memory too (`lo` and the configured interface
    /// exist), so trying the daemon never changes the host's interfaces.
    func makeVIPKeeper(store directory: String, source: LatestValue<LoadBalancerState>, logger: Logger) -> VIPKeeper? {
        let table: any AddressTable
        if fakeKernel {
            var interfaces: [String: UInt32] = ["lo": 1]
            if let name = source.current.desired.settings.vips?.interface { interfaces[name] = interfaces[name] ?? 2 }
            table = MemoryAddressTable(interfaces: interfaces)
        } else {
            do {
                table = try KernelAddressTable(logger: logger)
            } catch {
                logger.error("VIPs will not be kept: cannot open an rtnetlink socket", metadata: ["error": "\(error)"])
                return nil
            }
        }
        return VIPKeeper(table: table, store: VIPOwnershipStore(directory: directory), source: source, logger: logger)
    }
}

/// The controller loop as a lifecycle service: cancelled on graceful shutdown.
struct ControllerService: ServiceLifecycle.Service {
    let controller: Controller

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await controller.run()
        }
    }
}

/// The web console's feed (`GET /events`) as a lifecycle service: cancelled on graceful shutdown.
struct ConsoleFeedService: ServiceLifecycle.Service {
    let feed: ConsoleFeed

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await feed.run()
        }
    }
}

/// SIGHUP → reload. Kept out of the service group's signal lists: only one handler may own a
/// signal, and SIGHUP here means "reload", not "stop". Under systemd, `RELOADING=1` goes out
/// when the signal arrives and `READY=1` once the pass after the reload has run.
struct ReloadOnHangup: ServiceLifecycle.Service {
    let controller: Controller
    let notifications: ServiceNotifications
    let summary: StatusSummary
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                logger.notice("SIGHUP: reloading the configuration")
                await notifications.reload {
                    let ticket = await controller.trigger(.reload)
                    guard await controller.waitForPass(ticket) != nil else { return nil }
                    return await summary.line()
                }
            }
        }
    }
}
