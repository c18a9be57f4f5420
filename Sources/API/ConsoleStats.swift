import Checks
import IPVS
import Reconciler
import Spec

/// The console's `stats` event: what changes every second, sampled every stats interval while
/// someone watches. The kernel's counters are read then (one dump, as `GET /metrics` reads them),
/// and rates are the counters' growth since the previous sample; the probes' last results are
/// read from the health monitor.
///
/// Rates are arrays to keep 1,000 services small: `[connections/s, packets/s, bytes/s]` (packets
/// and bytes in and out together), backends adding `active, inactive` connections. A backend with
/// all zero is left out (the page reads absent as zero).
struct ConsoleStats: Encodable {
    var at: Double
    /// Seconds since the previous sample (the rates' window); 0 for the first.
    var interval: Double
    var services: [String: [Double]]
    var backends: [String: [Double]]
    /// By `service/backend`.
    var checks: [String: ConsoleCheck]
    /// Why the kernel's counters could not be read (the rates are then absent).
    var kernelError: String?

    enum CodingKeys: String, CodingKey {
        case at, interval, services, backends, checks
        case kernelError = "kernel-error"
    }
}

/// A backend's last health check, as the page shows it ("ok 3 s ago", or the failure's reason).
struct ConsoleCheck: Encodable {
    /// When it ran, seconds since 1970.
    var time: Double?
    var ok: Bool
    var error: String?
    var checks: Int
    /// The share of recent checks that passed.
    var health: Double
}

/// The counters of the previous sample, for rates: only the feed's sampling loop touches it.
struct ConsoleRateMemory {
    struct Counters {
        var connections: UInt64
        var packets: UInt64
        var bytes: UInt64
    }

    private var previous: [String: Counters] = [:]
    private var previousTime: Double?

    /// `[connections/s, packets/s, bytes/s]` for `key`, from the growth since the last sample; the
    /// kernel's own estimate for an object seen for the first time or whose counters restarted.
    mutating func rates(_ key: String, _ stats: IPVSStats, into next: inout [String: Counters], interval: Double) -> [Double] {
        let now = Counters(connections: stats.connections, packets: stats.inPackets &+ stats.outPackets, bytes: stats.inBytes &+ stats.outBytes)
        next[key] = now
        if interval > 0, let before = previous[key], now.connections >= before.connections, now.packets >= before.packets, now.bytes >= before.bytes {
            return [
                Double(now.connections - before.connections) / interval,
                Double(now.packets - before.packets) / interval,
                Double(now.bytes - before.bytes) / interval,
            ].map(Self.round)
        }
        return [Double(stats.connectionsPerSecond), Double(stats.inPacketsPerSecond + stats.outPacketsPerSecond), Double(stats.inBytesPerSecond + stats.outBytesPerSecond)]
    }

    /// A sample of every service of `state` at wall-clock `now`.
    mutating func sample(_ state: LoadBalancerState, controller: Controller, health: HealthMonitor?, now: Double) -> ConsoleStats {
        let interval = previousTime.map { now - $0 } ?? 0
        var stats = ConsoleStats(at: now, interval: interval, services: [:], backends: [:], checks: [:])
        var next: [String: Counters] = [:]
        let observed: KernelObservation?
        do {
            observed = try controller.observe(state.desired)
        } catch {
            observed = nil
            stats.kernelError = "\(error)"
        }
        for service in state.desired.services {
            if let held = observed?.services[service.id] {
                stats.services[service.id] = rates(service.id, held.stats, into: &next, interval: interval)
            }
            let destinations = observed?.backends[service.id]
            for backend in service.backends {
                let key = "\(service.id)/\(backend.id)"
                if let destination = destinations?[backend.id] {
                    let values = rates(key, destination.stats, into: &next, interval: interval) + [Double(destination.activeConnections), Double(destination.inactiveConnections)]
                    if values.contains(where: { $0 != 0 }) { stats.backends[key] = values }
                }
                if let probe = health?.statistics(of: BackendKey(service: service.id, backend: backend.id)), probe.checks > 0 {
                    let ok = probe.consecutiveSuccesses > 0
                    stats.checks[key] = ConsoleCheck(time: probe.lastCheckTime.map(Self.round), ok: ok, error: ok ? nil : probe.lastError, checks: probe.checks, health: probe.health)
                }
            }
        }
        if observed != nil {
            previous = next
            previousTime = now
        }
        return stats
    }

    /// Two decimals: enough for a rate, and short in JSON.
    static func round(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
