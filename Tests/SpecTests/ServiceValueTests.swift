import Addresses
import Spec
import Testing

/// `Service` keeps its fields in a shared copy-on-write box: it must still behave as a plain value.
@Suite struct ServiceValueTests {
    static let web = Service(
        id: "web",
        endpoint: .address(host: .ip(IPAddress("192.0.2.1")!), port: 80, protocol: .tcp),
        backends: [Backend(id: "a", address: IPAddress("10.0.0.1")!, port: 80, weight: 10)]
    )

    @Test func aChangedCopyLeavesTheOriginalAlone() {
        let original = Self.web
        var copy = original
        #expect(copy == original)
        copy.backends[0].weight = 20
        copy.quorum = 3
        #expect(original.backends[0].weight == 10)
        #expect(original.quorum == Defaults.quorum)
        #expect(copy.backends[0].weight == 20)
        #expect(copy != original)
        copy.backends[0].weight = 10
        copy.quorum = Defaults.quorum
        // Equal by value, though the copy now has a box of its own.
        #expect(copy == original)
        #expect(copy.hashValue == original.hashValue)
        #expect(Set([copy, original]).count == 1)
    }

    @Test func copiesInACollectionAreIndependent() {
        var services = [Self.web, Self.web]
        services[1].id = "api"
        services[1].backends.append(Backend(id: "b", address: IPAddress("10.0.0.2")!, port: 80))
        #expect(services[0].id == "web")
        #expect(services[0].backends.count == 1)
        #expect(services[1].backends.map(\.id) == ["a", "b"])
    }
}
