import Addresses
import HTTPTypes
import Publishing
import Testing
import VIPs

/// The VIP keeper's state as the API shows it: `GET /status`'s `vips`, `GET /service/{id}`'s
/// `vip`, and the `gorb_vip_*` series, each exactly as the OpenAPI document describes.
@Suite struct VIPEndpointTests {
    static let web = IPAddress("192.0.2.10")!
    static let dns = IPAddress("192.0.2.53")!

    static func state() -> VIPsState {
        VIPsState(
            interface: "vip0",
            vips: [
                VIPStatus(address: web, services: ["web"], present: true, owned: true),
                VIPStatus(address: dns, services: ["dns"], present: true, owned: false),
            ],
            present: [web, dns],
            stale: [IPAddress("192.0.2.99")!],
            error: "192.0.2.99: remove 192.0.2.99/32: permission denied (changing addresses needs CAP_NET_ADMIN)",
            syncs: 4,
            lastSyncAt: 1_700_000_000,
            added: 1,
            removed: 0,
            failures: 1
        )
    }

    /// The keys of `object` against the document's schema at `pointer` (a property of a schema).
    func matches(_ object: [String: Any], _ schema: [String: Any]) -> (undocumented: [String], missing: [String]) {
        let documented = Set((schema["properties"] as? [String: Any] ?? [:]).keys)
        let required = Set(schema["required"] as? [String] ?? [])
        let keys = Set(object.keys)
        return (keys.subtracting(documented).sorted(), required.subtracting(keys).sorted())
    }

    @Test func statusServiceAndMetricsShowTheVIPs() async throws {
        let harness = try Harness(vips: LatestValue(Self.state()))
        try await harness.run { (client: Client) async throws in
            let document = try await client.call(.get, "/openapi.json").object
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            func property(_ schema: String, _ name: String) throws -> [String: Any] {
                try #require(((schemas[schema] as? [String: Any])?["properties"] as? [String: Any])?[name] as? [String: Any])
            }

            let vips = try #require(try await client.call(.get, "/status").object["vips"] as? [String: Any])
            #expect(vips["interface"] as? String == "vip0")
            #expect(vips["in-sync"] as? Bool == false)
            #expect((vips["error"] as? String)?.contains("CAP_NET_ADMIN") == true)
            #expect(vips["owned"] as? Int == 1 && vips["adopted"] as? Int == 1 && vips["present"] as? Int == 2)
            #expect(vips["stale"] as? [String] == ["192.0.2.99"])
            let status = matches(vips, try property("Status", "vips"))
            #expect(status.undocumented.isEmpty && status.missing.isEmpty, "\(status)")

            let web = try #require(try await client.call(.get, "/service/web").object["vip"] as? [String: Any])
            #expect(web["ownership"] as? String == "owned" && web["present"] as? Bool == true)
            let dns = try #require(try await client.call(.get, "/service/dns").object["vip"] as? [String: Any])
            #expect(dns["ownership"] as? String == "adopted")
            let service = matches(web, try property("ServiceInfo", "vip"))
            #expect(service.undocumented.isEmpty && service.missing.isEmpty, "\(service)")

            let text = try await client.call(.get, "/metrics").text
            #expect(text.contains("\ngorb_vip_present{vip=\"192.0.2.10\"} 1\n"))
            #expect(text.contains("\ngorb_vip_owned{vip=\"192.0.2.53\"} 0\n"))
            #expect(text.contains("\ngorb_vips_in_sync{interface=\"vip0\"} 0\n"))
            #expect(text.contains("\ngorb_vip_changes_total{kind=\"add\"} 1\n"))
            #expect(ExpositionCheck.problems(in: text) == [])
        }
    }

    @Test func nothingWithoutSettingsVIPs() async throws {
        let harness = try Harness(vips: LatestValue(VIPsState()))
        try await harness.run { (client: Client) async throws in
            #expect(try await client.call(.get, "/status").object["vips"] == nil)
            #expect(try await client.call(.get, "/service/web").object["vip"] == nil)
            #expect(!(try await client.call(.get, "/metrics").text.contains("gorb_vip")))
        }
    }
}
