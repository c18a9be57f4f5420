import API
import Foundation
import HTTPTypes
import IPVS
import IPVSTesting
import Testing

/// The reconciler's own endpoints, the overrides, errors outside the routes, and the token.
@Suite struct OperationEndpointTests {
    @Test func overridesAreListedAndRemovable() async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            _ = try await client.call(.patch, "/service/web/web-1", #"{"weight": 0, "ttl": "30m"}"#)
            _ = try await client.call(.put, "/service/extra", #"{"host": "192.0.2.99", "port": 443}"#)
            let list = try #require(try await client.call(.get, "/overrides").object["overrides"] as? [[String: Any]])
            #expect(list.count == 2)
            #expect(list.first?["action"] as? String == "patch")
            #expect(list.first?["fields"] as? [String] == ["weight"])
            #expect(list.first?["expires"] is String)
            #expect(list.first?["in-force"] as? Bool == true)
            #expect(try harness.kernelWeights()["10.0.0.1"] == 0)

            let one = try await client.call(.delete, "/overrides/service/web/web-1")
            #expect(one.object["removed"] as? Int == 1)
            #expect(try harness.kernelWeights()["10.0.0.1"] == 100)  // the file's weight is back
            #expect(try await client.call(.delete, "/overrides/service/web/web-1").status == 404)
            #expect(try await client.call(.delete, "/overrides").object["removed"] as? Int == 1)
            #expect(try await client.call(.get, "/service").json as? [String] == ["web", "dns"])
        }
    }

    @Test func statusPlanReloadHealthz() async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            _ = try await client.call(.patch, "/service/web/web-1", #"{"weight": 7}"#)
            let status = try await client.call(.get, "/status").object
            let config = try #require(status["config"] as? [String: Any])
            #expect(config["path"] as? String == "gorb.yaml")
            #expect(config["last-reload-succeeded"] as? Bool == true)
            let counts = try #require(status["counts"] as? [String: Any])
            #expect(counts["services"] as? Int == 2)
            #expect(counts["backends"] as? Int == 2)
            #expect(counts["overrides"] as? Int == 1)
            #expect((status["passes"] as? Int ?? 0) >= 1)
            #expect((status["last-pass"] as? [String: Any])?["succeeded"] as? Bool == true)

            // Drift: someone changes the kernel; the plan shows the repair.
            let services = try harness.ipvs.services()
            let key = try #require(services.first { "\($0.key)".contains(":80") }?.key)
            try harness.ipvs.removeService(key)
            let plan = try await client.call(.get, "/plan").object
            #expect(plan["in-sync"] as? Bool == false)
            #expect((plan["changes"] as? [[String: Any]])?.first?["kind"] as? String == "create")

            let reload = try await client.call(.post, "/reload")
            #expect(reload.status == 200)
            #expect(reload.object["services"] as? Int == 2)
            // The pass that applies the file: `gorb-reconcile reload` waits for it.
            let ticket = try #require(reload.object["pass"] as? Int)
            #expect(ticket >= 1)
            #expect(try await client.call(.get, "/healthz").object["status"] as? String == "ok")
        }
    }

    @Test func metricsUseGorbNamesAndDropDeletedSeries() async throws {
        try await Harness().run { (client: Client) async throws in
            _ = try await client.call(.patch, "/service/web/web-2", #"{"weight": 9}"#)
            let text = try await client.call(.get, "/metrics").text
            #expect(text.contains(#"gorb_service_backends{name="web",host="192.0.2.10",port="80",protocol="tcp"} 2"#))
            #expect(text.contains(#"gorb_service_backend_weight{service_name="web",name="web-2",host="10.0.0.2",port="8080"} 9"#))
            #expect(text.contains(#"gorb_service_health{name="dns",host="192.0.2.53",port="53",protocol="udp"} 1"#))
            #expect(text.contains("# TYPE gorb_reconcile_passes_total counter"))
            #expect(text.contains(#"gorb_reconcile_changes_total{kind="update"} "#))
            #expect(text.contains(#"gorb_ipvs_backend_connections_total{service_name="web",name="web-1""#))
            #expect(text.contains("gorb_ipvs_up 1"))
            // Delete web-2 (at once) and the series go with it.
            _ = try await client.call(.patch, "/service/web/web-2", #"{"drain": "0s"}"#)
            _ = try await client.call(.delete, "/service/web/web-2")
            let after = try await client.call(.get, "/metrics").text
            #expect(!after.contains(#"name="web-2""#))
            #expect(after.contains(#"gorb_service_backends{name="web",host="192.0.2.10",port="80",protocol="tcp"} 1"#))
        }
    }

    @Test func errorsOutsideTheRoutesHaveGorbShape() async throws {
        try await Harness().run { (client: Client) async throws in
            let missing = try await client.call(.get, "/nowhere")
            #expect(missing.status == 404)
            #expect(missing.error?.hasPrefix("no such endpoint") == true)
            let method = try await client.call(.post, "/service/web")
            #expect(method.status == 405)
            #expect(method.headers[.allow] == "GET, PUT, PATCH, DELETE")
            #expect(method.error != nil)
        }
    }

    @Test func tokenGuardsChanges() async throws {
        let harness = try Harness(auth: APIAuth(token: "s3cret", scope: .mutating))
        try await harness.run { (client: Client) async throws in
            #expect(try await client.call(.get, "/service").status == 200)
            let refused = try await client.call(.patch, "/service/web/web-1", #"{"weight": 1}"#)
            #expect(refused.status == 401)
            #expect(refused.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(try await client.call(.patch, "/service/web/web-1", #"{"weight": 1}"#, headers: [.authorization: "Bearer wrong"]).status == 401)
            #expect(try await client.call(.patch, "/service/web/web-1", #"{"weight": 1}"#, headers: [.authorization: "Bearer s3cret"]).status == 200)
            #expect(try harness.kernelWeights()["10.0.0.1"] == 1)
        }
        let all = try Harness(auth: APIAuth(token: "s3cret", scope: .all))
        try await all.run { (client: Client) async throws in
            #expect(try await client.call(.get, "/service").status == 401)
            #expect(try await client.call(.get, "/healthz").status == 200)
            #expect(try await client.call(.get, "/service", headers: [.authorization: "Bearer s3cret"]).status == 200)
        }
    }
}
