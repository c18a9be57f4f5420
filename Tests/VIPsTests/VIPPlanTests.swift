import Addresses
import RouteNetlink
import Testing
import VIPs

/// The pure planner: desired VIPs × addresses present × owned → additions, removals, adoption.
@Suite struct VIPPlanTests {
    let a = IPAddress("192.0.2.10")!
    let b = IPAddress("192.0.2.11")!
    let c = IPAddress("2001:db8::12")!
    let d = IPAddress("198.51.100.1")!

    func on(_ address: IPAddress, prefix: UInt8? = nil) -> InterfaceAddress {
        InterfaceAddress(interfaceIndex: 3, address: address, prefixLength: prefix ?? (address.family == .ipv6 ? 128 : 32))
    }

    @Test func addsWhatIsMissingAndOwnsIt() {
        let plan = VIPPlan.make(desired: [a, c], present: [], owned: [], interfaceIndex: 3)
        #expect(plan.additions == [.host(a, on: 3), .host(c, on: 3)])
        #expect(plan.additions[1].prefixLength == 128 && plan.additions[1].flags == AddressFlag.noDAD)
        #expect(plan.removals.isEmpty)
        #expect(plan.owned == [a, c])
    }

    @Test func adoptsWhatWasThereAndNeverRemovesIt() {
        let adopting = VIPPlan.make(desired: [a], present: [on(a, prefix: 24)], owned: [], interfaceIndex: 3)
        #expect(adopting.isEmpty)
        #expect(adopting.adopted == [a])
        #expect(adopting.owned.isEmpty)
        // Its service goes away: still not removed.
        let gone = VIPPlan.make(desired: [], present: [on(a, prefix: 24)], owned: [], interfaceIndex: 3)
        #expect(gone.isEmpty)
    }

    @Test func removesOnlyOwnedAddressesNoServiceUses() {
        let plan = VIPPlan.make(desired: [a], present: [on(a), on(b), on(d, prefix: 24)], owned: [a, b], interfaceIndex: 3)
        #expect(plan.additions.isEmpty)
        #expect(plan.removals == [on(b)])
        #expect(plan.owned == [a])
    }

    @Test func repairsDriftOfAnOwnedAddress() {
        let plan = VIPPlan.make(desired: [a, b], present: [on(b)], owned: [a, b], interfaceIndex: 3)
        #expect(plan.additions == [.host(a, on: 3)])
        #expect(plan.owned == [a, b])
    }

    @Test func forgetsAnOwnedAddressAlreadyGone() {
        let plan = VIPPlan.make(desired: [], present: [], owned: [a], interfaceIndex: 3)
        #expect(plan.isEmpty)
        #expect(plan.owned.isEmpty)
    }

    @Test func inSyncPlansNothing() {
        let plan = VIPPlan.make(desired: [a, c], present: [on(a), on(c), on(d)], owned: [a, c], interfaceIndex: 3)
        #expect(plan.isEmpty)
        #expect(plan.owned == [a, c])
        #expect(plan.adopted.isEmpty)
    }
}
