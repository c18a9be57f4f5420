import API
import Addresses
import BGP
import Consul
import Publishing
import Reconciler
import ServiceLifecycle
import VIPs

/// The VIPs on the keeper's interface, as the BGP announcer reads them: a VIP is announced only
/// once the address is really there, so a router never sends this host traffic for an address
/// it would drop. Forwarded from the keeper's published state; one way, like every consumer.
struct PresentVIPs: ServiceLifecycle.Service {
    let keeper: VIPKeeper
    let present: LatestValue<Set<IPAddress>>

    init(keeper: VIPKeeper) {
        self.keeper = keeper
        present = LatestValue(keeper.state.current.present)
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await state in keeper.state.updates where state.present != present.current {
                present.publish(state.present)
            }
        }
    }
}

/// What the web console shows beside the services when the tier features are on: BGP per VIP,
/// host maintenance and Consul, each read from the owner's published value when a page asks.
enum ConsoleTier {
    static func sections(announcer: Announcer?, registrar: ConsulRegistrar?, states: LatestValue<LoadBalancerState>) -> ConsoleSections {
        var sections = ConsoleSections()
        sections.maintenance = { @Sendable () -> (any Encodable & Sendable)? in MaintenanceSection(states.current.maintenance) }
        if let announcer {
            sections.bgp = { @Sendable () -> (any Encodable & Sendable)? in BGPSection(announcer.status.current) }
        }
        if let registrar {
            sections.consul = { @Sendable () -> (any Encodable & Sendable)? in registrar.status.current }
        }
        return sections
    }

    /// `vips` keyed by address, as the page's service rows look them up.
    struct BGPSection: Encodable, Sendable {
        struct VIP: Encodable, Sendable {
            var announced: Bool
            var reason: String?
            var services: [String]
        }
        var vips: [String: VIP]
        var birdReachable: Bool?
        var lastError: String?

        init(_ status: BGPStatus) {
            vips = Dictionary(status.views.map { ("\($0.vip)", VIP(announced: $0.announced, reason: $0.reason, services: $0.services)) }, uniquingKeysWith: { first, _ in first })
            birdReachable = status.birdReachable
            lastError = status.lastError
        }

        enum CodingKeys: String, CodingKey {
            case vips
            case birdReachable = "bird-reachable"
            case lastError = "last-error"
        }
    }

    struct MaintenanceSection: Encodable, Sendable {
        var enabled: Bool
        var reason: String?
        var since: String?

        init(_ maintenance: Maintenance) {
            enabled = maintenance.enabled
            reason = maintenance.reason
            since = maintenance.since.map { "\($0)" }
        }
    }
}
