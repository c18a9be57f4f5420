import Addresses
import IPVS
import IPVSTesting
import Reconciler
import Testing

/// The planner's rules, one row each: what changes, and exactly how many kernel operations of which
/// kind that costs.
@Suite struct PlannerTests {
    static let vip = IPAddress("192.0.2.10")!
    static let web = IPVSService.Key.tcp(vip, 80)
    static let now = WallTime(seconds: 1_000_000)

    static func service(_ key: IPVSService.Key = web, scheduler: String = "wrr", flags: IPVSServiceFlags = [], timeout: UInt32 = 0, prefix: UInt8? = nil) -> IPVSService {
        IPVSService(key: key, scheduler: scheduler, flags: flags, timeout: timeout, persistencePrefixLength: prefix)
    }

    static func destination(_ last: UInt8, weight: Int32 = 100, forwarding: IPVSForwarding = .masquerade, port: UInt16 = 8080) -> IPVSDestination {
        IPVSDestination(address: IPAddress(ipv4: 0x0A00_0000 | UInt32(last)), port: port, forwarding: forwarding, weight: weight)
    }

    static func desired(_ service: IPVSService = service(), _ destinations: [IPVSDestination] = [destination(1), destination(2)], drain: Duration = .seconds(300)) -> DesiredService {
        DesiredService(id: "web", service: service, destinations: destinations.enumerated().map { DesiredDestination(id: "b\($0.offset + 1)", destination: $0.element, drain: drain) })
    }

    static func actual(_ service: IPVSService = service(), _ destinations: [IPVSDestination] = [destination(1), destination(2)], connections: UInt64 = 0) -> ActualService {
        ActualService(service: service, destinations: destinations.map { ActualDestination($0, connections: connections) })
    }

    static func owned(_ desired: DesiredService) -> Ownership {
        var record = OwnedService(id: desired.id)
        for destination in desired.destinations {
            record.destinations[destination.destination.key] = OwnedDestination(id: destination.id, drain: destination.drain)
        }
        return Ownership(services: [desired.service.key: record])
    }

    func plan(_ desired: [DesiredService], _ actual: [ActualService], owned: Ownership? = nil, pruneAll: Bool = false, now: WallTime = PlannerTests.now) -> Plan {
        Planner(pruneAll: pruneAll).plan(
            desired: DesiredState(services: desired),
            actual: ActualState(services: actual),
            ownership: owned ?? (desired.first.map(Self.owned) ?? Ownership()),
            now: now
        )
    }

    /// Counts of (create, update, delete, drain) steps.
    func counts(_ plan: Plan) -> [PlanStep.Kind: Int] {
        var counts: [PlanStep.Kind: Int] = [:]
        for step in plan.steps { counts[step.kind, default: 0] += 1 }
        return counts
    }

    struct Edit: Sendable, CustomTestStringConvertible {
        var name: String
        var desired: DesiredService
        var expected: [IPVSChange]
        var testDescription: String { name }
    }

    /// Edits applied to a kernel that holds `actual()`: each costs exactly these changes.
    static let edits: [Edit] = [
        Edit(name: "nothing changed", desired: desired(), expected: []),
        Edit(name: "weight", desired: desired(service(), [destination(1, weight: 50), destination(2)]), expected: [.updateDestination(destination(1, weight: 50), service: web)]),
        Edit(name: "weight to zero", desired: desired(service(), [destination(1, weight: 0), destination(2)]), expected: [.updateDestination(destination(1, weight: 0), service: web)]),
        Edit(name: "forwarding", desired: desired(service(), [destination(1, forwarding: .directRoute), destination(2)]), expected: [.updateDestination(destination(1, forwarding: .directRoute), service: web)]),
        Edit(name: "scheduler in place", desired: desired(service(scheduler: "mh")), expected: [.updateService(service(scheduler: "mh"))]),
        Edit(name: "flags in place", desired: desired(service(scheduler: "sh", flags: [.scheduler1])), expected: [.updateService(service(scheduler: "sh", flags: [.scheduler1]))]),
        Edit(name: "persistence in place", desired: desired(service(flags: [.persistent], timeout: 300)), expected: [.updateService(service(flags: [.persistent], timeout: 300))]),
        Edit(name: "netmask in place", desired: desired(service(flags: [.persistent], timeout: 0, prefix: 24)), expected: [.updateService(service(flags: [.persistent], timeout: 0, prefix: 24))]),
        Edit(name: "add backend", desired: desired(service(), [destination(1), destination(2), destination(3)]), expected: [.addDestination(destination(3), service: web)]),
        Edit(name: "backend port change is a new destination", desired: desired(service(), [destination(1), destination(2, port: 9090)]), expected: [.addDestination(destination(2, port: 9090), service: web), .removeDestination(destination(2).key, service: web)]),
        Edit(name: "remove idle backend", desired: desired(service(), [destination(1)]), expected: [.removeDestination(destination(2).key, service: web)]),
        Edit(name: "VIP change is delete + create", desired: desired(service(.tcp(IPAddress("192.0.2.11")!, 80)), [destination(1), destination(2)]),
             expected: [.removeService(web), .addService(service(.tcp(IPAddress("192.0.2.11")!, 80))), .addDestination(destination(1), service: .tcp(IPAddress("192.0.2.11")!, 80)), .addDestination(destination(2), service: .tcp(IPAddress("192.0.2.11")!, 80))]),
        Edit(name: "protocol change is delete + create", desired: desired(service(.udp(vip, 80)), []), expected: [.removeService(web), .addService(service(.udp(vip, 80)))]),
        Edit(name: "to fwmark", desired: desired(service(.firewallMark(7, family: .ipv4)), []), expected: [.removeService(web), .addService(service(.firewallMark(7, family: .ipv4)))]),
    ]

    @Test(arguments: edits)
    func editCostsExactlyItsChanges(_ edit: Edit) {
        let owned = Self.owned(Self.desired())
        let result = plan([edit.desired], [Self.actual()], owned: owned)
        #expect(result.changes == edit.expected)
    }

    @Test func coldApplyCreatesServicesBeforeTheirDestinations() {
        let result = plan([Self.desired()], [], owned: Ownership())
        #expect(result.changes == [.addService(Self.service()), .addDestination(Self.destination(1), service: Self.web), .addDestination(Self.destination(2), service: Self.web)])
        #expect(result.ownership.owns(Self.web))
        #expect(result.ownership.services[Self.web]?.destinations.count == 2)
    }

    @Test func statsAndConnectionsDoNotCauseChanges() {
        #expect(plan([Self.desired()], [Self.actual(connections: 42)]).isEmpty)
    }

    @Test func unownedServicesAreLeftAlone() {
        let handMade = Self.actual(Self.service(.tcp(IPAddress("198.51.100.1")!, 22)))
        #expect(plan([Self.desired()], [Self.actual(), handMade]).isEmpty)
    }

    @Test func pruneAllRemovesUnownedServices() {
        let handMade = Self.actual(Self.service(.tcp(IPAddress("198.51.100.1")!, 22)))
        #expect(plan([Self.desired()], [Self.actual(), handMade], pruneAll: true).changes == [.removeService(handMade.service.key)])
    }

    @Test func ownedServiceLeavingTheFileIsDeletedInOneOperation() {
        let result = plan([], [Self.actual()], owned: Self.owned(Self.desired()))
        #expect(result.changes == [.removeService(Self.web)])
        #expect(!result.ownership.owns(Self.web))
    }

    @Test func heldServiceIsNeverDeleted() {
        let result = Planner().plan(desired: DesiredState(held: ["web"]), actual: ActualState(services: [Self.actual()]), ownership: Self.owned(Self.desired()), now: Self.now)
        #expect(result.isEmpty)
        #expect(result.ownership.owns(Self.web))
    }

    @Test func adoptingAHandMadeServiceDrainsItsExtraDestinations() {
        let result = plan([Self.desired(Self.service(), [Self.destination(1)])], [Self.actual(connections: 3)], owned: Ownership())
        #expect(result.changes == [.updateDestination(Self.destination(2, weight: 0), service: Self.web)])
        #expect(result.draining == 1)
    }

    // MARK: drain

    @Test func removedBackendWithConnectionsDrainsThenGoes() {
        let owned = Self.owned(Self.desired())
        let wanted = Self.desired(Self.service(), [Self.destination(1)])
        // Pass 1: connections open → weight 0, deadline recorded.
        let first = plan([wanted], [Self.actual(connections: 5)], owned: owned)
        #expect(first.changes == [.updateDestination(Self.destination(2, weight: 0), service: Self.web)])
        #expect(counts(first) == [.drain: 1])
        let deadline = first.ownership.services[Self.web]?.destinations[Self.destination(2).key]?.drainDeadline
        #expect(deadline == Self.now + .seconds(300))
        // Pass 2: still connections, weight already 0 → nothing to do, still draining.
        let drained = Self.actual(Self.service(), [Self.destination(1), Self.destination(2, weight: 0)], connections: 5)
        let second = plan([wanted], [drained], owned: first.ownership, now: Self.now + .seconds(10))
        #expect(second.isEmpty)
        #expect(second.draining == 1)
        // Pass 3: connections closed → deleted.
        let idle = Self.actual(Self.service(), [Self.destination(1), Self.destination(2, weight: 0)], connections: 0)
        let third = plan([wanted], [idle], owned: second.ownership, now: Self.now + .seconds(20))
        #expect(third.changes == [.removeDestination(Self.destination(2).key, service: Self.web)])
        #expect(third.draining == 0)
    }

    @Test func drainTimeoutDeletesDespiteConnections() {
        let owned = Self.owned(Self.desired())
        let wanted = Self.desired(Self.service(), [Self.destination(1)])
        let first = plan([wanted], [Self.actual(connections: 5)], owned: owned)
        let drained = Self.actual(Self.service(), [Self.destination(1), Self.destination(2, weight: 0)], connections: 5)
        let late = plan([wanted], [drained], owned: first.ownership, now: Self.now + .seconds(301))
        #expect(late.changes == [.removeDestination(Self.destination(2).key, service: Self.web)])
    }

    @Test func zeroDrainDeletesAtOnce() {
        let owned = Self.owned(Self.desired(drain: .zero))
        let result = plan([Self.desired(Self.service(), [Self.destination(1)])], [Self.actual(connections: 5)], owned: owned)
        #expect(result.changes == [.removeDestination(Self.destination(2).key, service: Self.web)])
    }

    @Test func udpBackendsAreNotDrained() {
        let udp = IPVSService.Key.udp(Self.vip, 53)
        let owned = Self.owned(Self.desired(Self.service(udp)))
        let result = plan([Self.desired(Self.service(udp), [Self.destination(1)])], [Self.actual(Self.service(udp), connections: 9)], owned: owned)
        #expect(result.changes == [.removeDestination(Self.destination(2).key, service: udp)])
    }

    @Test func backendBackDuringDrainIsRestoredNotRecreated() {
        let owned = Self.owned(Self.desired())
        let first = plan([Self.desired(Self.service(), [Self.destination(1)])], [Self.actual(connections: 5)], owned: owned)
        let drained = Self.actual(Self.service(), [Self.destination(1), Self.destination(2, weight: 0)], connections: 5)
        let back = plan([Self.desired()], [drained], owned: first.ownership, now: Self.now + .seconds(5))
        #expect(back.changes == [.updateDestination(Self.destination(2), service: Self.web)])
        #expect(back.draining == 0)
        #expect(back.ownership.services[Self.web]?.destinations[Self.destination(2).key]?.drainDeadline == nil)
    }

    // MARK: timeouts

    @Test func timeoutsOnlyWhenTheyDiffer() {
        let planner = Planner()
        let actual = ActualState(services: [], timeouts: .kernelDefaults)
        #expect(planner.plan(desired: DesiredState(timeouts: IPVSTimeouts(tcp: 900, tcpFin: 0, udp: 0)), actual: actual, ownership: Ownership(), now: Self.now).isEmpty)
        let change = planner.plan(desired: DesiredState(timeouts: IPVSTimeouts(tcp: 600, tcpFin: 0, udp: 0)), actual: actual, ownership: Ownership(), now: Self.now)
        #expect(change.changes == [.setTimeouts(IPVSTimeouts(tcp: 600, tcpFin: 0, udp: 0))])
    }

    @Test func stepsReadLikeIpvsadm() {
        let result = plan([Self.desired()], [], owned: Ownership())
        #expect(result.steps[0].description.hasPrefix("+ -A -t 192.0.2.10:80 -s wrr"))
        #expect(result.steps[0].description.hasSuffix("# web"))
        #expect(result.steps[1].description.contains("-a -t 192.0.2.10:80 -r 10.0.0.1:8080"))
    }
}
