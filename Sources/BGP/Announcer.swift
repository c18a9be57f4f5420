public import Addresses
public import BIRDControl
import Foundation
public import Logging
import NIOPosix
public import Publishing
public import Reconciler
public import ServiceLifecycle
public import Spec
import Synchronization

/// The BGP announcer: a consumer of the published ``LoadBalancerState`` that keeps BIRD's routes
/// files equal to the VIPs this host should announce (``AnnouncementPlanner``) and has BIRD
/// re-read them (`configure` over its control socket).
///
/// It never reaches back into the loop and the loop never waits for it: a BIRD that is down, slow
/// or refusing is retried with back-off (1s doubling to 10s: a local socket is cheap to try) and reported in its own published
/// ``status``. On graceful shutdown it withdraws every route, waits `withdraw-grace` for the
/// routers to move the flows elsewhere, and only then returns (the service group shuts it down
/// first: it is the last service listed). The kernel's IPVS table is not touched.
public final class Announcer: ServiceLifecycle.Service, Sendable {
    /// Sends one command to BIRD over a fresh connection and returns its reply; replaceable in
    /// tests. `configure` throws unless BIRD took the configuration.
    public typealias Command = @Sendable (_ socket: String, _ command: String) async throws -> BIRDReply

    private let settings: BGPSettings
    private let states: LatestValue<LoadBalancerState>
    private let present: LatestValue<Set<IPAddress>>?
    private let command: Command
    /// How often an idle announcer checks that BIRD still answers (`show status`).
    private let probeInterval: Duration
    private let logger: Logger
    private let stopRequested = Mutex(false)
    /// The announcer's own state, for the API.
    public let status = LatestValue(BGPStatus())

    /// - Parameters:
    ///   - present: the VIPs on the interface, as the VIP keeper publishes them; `nil` when the
    ///     daemon does not manage VIPs (then every VIP counts as present).
    public init(
        settings: BGPSettings,
        states: LatestValue<LoadBalancerState>,
        present: LatestValue<Set<IPAddress>>? = nil,
        command: Command? = nil,
        probeInterval: Duration = .seconds(5),
        logger: Logger
    ) {
        self.settings = settings
        self.states = states
        self.present = present
        self.command = command ?? { socket, command in
            try await NIOThreadPool.singleton.runIfActive {
                let connection = try BIRDConnection(path: socket, timeout: .seconds(10))
                return command == "configure" ? try connection.configure() : try connection.send(command)
            }
        }
        self.probeInterval = probeInterval
        self.logger = logger
    }

    public func run() async throws {
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                let states = self.states
                group.addTask { for await _ in states.updates { wake.yield() } }
                if let present = self.present {
                    group.addTask { for await _ in present.updates { wake.yield() } }
                }
                await self.loop(wakes: wakes, wake: wake)
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.stopRequested.withLock { $0 = true }
            wake.yield()
        }
    }

    private func loop(wakes: AsyncStream<Void>, wake: AsyncStream<Void>.Continuation) async {
        var planner = AnnouncementPlanner(holdDown: settings.holdDown)
        var inBIRD: Set<IPAddress>?
        var backoff: Duration = .seconds(1)
        var retryAt: ContinuousClock.Instant?
        var probeAt: ContinuousClock.Instant = .now + probeInterval
        var iterator = wakes.makeAsyncIterator()
        while !Task.isCancelled {
            let stopping = stopRequested.withLock { $0 }
            let (vips, recheckAt) = planner.decide(.init(state: states.current, present: present?.current, stopping: stopping, now: .now))
            status.update { $0.vips = vips; $0.stopping = stopping }
            let target = Set(vips.filter(\.announce).map(\.vip))
            if stopping {
                await withdrawAndWait(hadRoutes: inBIRD.map { !$0.isEmpty } ?? true)
                return
            }
            if target != inBIRD, retryAt.map({ .now >= $0 }) ?? true {
                if await apply(target) {
                    inBIRD = target
                    backoff = .seconds(1)
                    retryAt = nil
                } else {
                    retryAt = .now + backoff
                    backoff = min(backoff * 2, .seconds(10))
                }
            }
            if target == inBIRD, .now >= probeAt {
                // Idle: make sure BIRD is still there. When it is not, its routes went with it;
                // once it answers again it is handed the routes anew.
                probeAt = .now + probeInterval
                if await !probe() {
                    inBIRD = nil
                    continue
                }
            }
            let next = [recheckAt, retryAt, target == inBIRD ? probeAt : nil].compactMap { $0 }.min()
            let timer = next.map { instant in
                Task {
                    try? await Task.sleep(until: instant, clock: .continuous)
                    if !Task.isCancelled { wake.yield() }
                }
            }
            _ = await iterator.next()
            timer?.cancel()
        }
    }

    /// Writes the routes files for `vips` and has BIRD read them; true when BIRD took them.
    private func apply(_ vips: Set<IPAddress>) async -> Bool {
        let list = vips.map(\.description).sorted().joined(separator: " ")
        do {
            try RoutesFile.write(vips, settings: settings)
        } catch {
            record(failure: "\(error)")
            logger.error("cannot write the BGP routes file", metadata: ["error": "\(error)"])
            return false
        }
        do {
            let reply = try await command(settings.birdSocket, "configure")
            status.update {
                $0.inBIRD = vips
                $0.birdReachable = true
                $0.lastError = nil
                $0.configures += 1
                $0.lastConfigureAt = WallTime(seconds: Date().timeIntervalSince1970)
            }
            logger.notice("BGP: BIRD reconfigured", metadata: ["announced": "\(list.isEmpty ? "none" : list)", "bird": "\(reply)"])
            return true
        } catch {
            let unreachable: Bool
            switch error as? BIRDError {
            case .unreachable?, .closed?, .timedOut?: unreachable = true
            default: unreachable = false
            }
            record(failure: "\(error)", unreachable: unreachable)
            logger.error("BGP: BIRD did not take the routes; retrying", metadata: ["error": "\(error)", "announce": "\(list.isEmpty ? "none" : list)"])
            return false
        }
    }

    /// `show status`: true when BIRD answers that it is up (`0013`).
    private func probe() async -> Bool {
        do {
            let reply = try await command(settings.birdSocket, "show status")
            guard reply.code == 13 else { throw BIRDError.rejected(command: "show status", reply: reply) }
            if status.current.birdReachable != true { status.update { $0.birdReachable = true } }
            return true
        } catch {
            status.update { $0.inBIRD = [] }
            record(failure: "\(error)", unreachable: true)
            logger.error("BGP: BIRD does not answer; its routes are gone with it", metadata: ["error": "\(error)"])
            return false
        }
    }

    private func record(failure: String, unreachable: Bool = false) {
        status.update {
            $0.lastError = failure
            $0.failures += 1
            if unreachable { $0.birdReachable = false }
        }
    }

    /// The stop: every route withdrawn (both files emptied, BIRD reconfigured), then the grace
    /// for the routers to converge while IPVS keeps serving the flows still arriving.
    private func withdrawAndWait(hadRoutes: Bool) async {
        logger.notice("BGP: withdrawing every route before stopping", metadata: ["grace": "\(settings.withdrawGrace)"])
        let withdrawn = await apply([])
        guard hadRoutes || !withdrawn else {
            logger.notice("BGP: nothing was announced; stopping without the grace")
            return
        }
        try? await Task.sleep(for: settings.withdrawGrace)
        logger.notice("BGP: withdraw grace over")
    }
}
