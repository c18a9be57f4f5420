public import Logging
public import Publishing
public import Reconciler
public import ServiceLifecycle
import Spec

/// Registers the balancer's services in Consul and keeps their TTL checks following the
/// published state: a consumer of ``Controller/state`` that never reaches back into the loop.
///
/// It wakes on every published state and on a tick (for TTL refreshes and retries), and does a
/// round only when something is due. The agent being down, slow or refusing never holds up IPVS:
/// this runs in its own task, each call has a deadline, and failures are retried with back-off
/// and published in ``status``.
public struct ConsulRegistrar: ServiceLifecycle.Service {
    let states: LatestValue<LoadBalancerState>
    let daemon: DaemonEndpoint?
    let tick: Duration
    let deregisterOnExit: Bool
    let sync: RegistrationSync
    let logger: Logger
    /// What the registrar last did, for `GET /status` and `/metrics`.
    public let status: LatestValue<ConsulStatus>

    /// - Parameters:
    ///   - daemon: where the REST API listens, to register the daemon as `gorb`; `nil`: not.
    ///   - deregisterOnExit: deregister everything on a clean exit (`run --cleanup-on-exit`, which
    ///     also removes the kernel's services). Otherwise registrations stay, as the kernel's
    ///     services do: a restart re-registers them before their TTL runs out, and a daemon that
    ///     does not come back has its checks turn critical after the TTL and its services removed
    ///     by Consul after `deregister-after`.
    public init(
        client: ConsulAgentClient,
        states: LatestValue<LoadBalancerState>,
        datacenter: String?,
        daemon: DaemonEndpoint?,
        deregisterOnExit: Bool,
        tick: Duration = .seconds(1),
        backoff: (initial: Duration, maximum: Duration) = (.seconds(1), .seconds(30)),
        logger: Logger
    ) {
        self.states = states
        self.daemon = daemon
        self.tick = tick
        self.deregisterOnExit = deregisterOnExit
        self.logger = logger
        sync = RegistrationSync(client: client, datacenter: datacenter, backoff: backoff, logger: logger)
        status = LatestValue(ConsulStatus(address: client.address))
    }

    /// The host's maintenance reason, or `nil`, read from the published state: host maintenance
    /// (`POST /maintenance`) puts every service in Consul maintenance too, so Consul's DNS stops
    /// answering with this host's VIPs while BGP withdraws them.
    static func hostMaintenance(_ state: LoadBalancerState) -> String? {
        guard state.maintenance.enabled else { return nil }
        return state.maintenance.reason ?? "host maintenance (gorb-reconcile)"
    }

    public func run() async throws {
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let states = states
        let tick = tick
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in states.updates { wake.yield() }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: tick)
                    wake.yield()
                }
            }
            await cancelWhenGracefulShutdown {
                for await _ in wakeups {
                    await self.round()
                }
            }
            group.cancelAll()
        }
        wake.finish()
        if deregisterOnExit {
            await sync.deregisterAll()
            logger.notice("Consul: deregistered our services on exit")
        }
    }

    /// One round against the state in force now (a slow round skips the states published
    /// meanwhile: only the newest matters).
    func round() async {
        let state = states.current
        let settings = state.desired.settings.consul ?? ConsulSettings()
        let desired = DesiredRegistrations.make(state: state, settings: settings, daemon: daemon, maintenance: Self.hostMaintenance(state))
        if await sync.round(desired, ttl: settings.ttl, now: .now) {
            status.publish(await sync.status)
        }
    }
}
