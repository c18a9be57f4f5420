import Addresses
import API
import Foundation
import HTTPTypes
import IPVS
import IPVSTesting
import Testing

/// `/metrics` and the `stats` of `GET /service/{id}` and `GET /service/{id}/{backend}`: the
/// kernel's values (counters, rates, weights) reach the answers exactly, the text is grouped
/// as the exposition format requires, and an unreadable kernel is said, not hidden.
@Suite struct StatisticsTests {
    static let web = IPVSService.Key.tcp(IPAddress("192.0.2.10")!, 80)
    static let web1 = IPVSDestination.Key(address: IPAddress("10.0.0.1")!, port: 8080)
    static let web2 = IPVSDestination.Key(address: IPAddress("10.0.0.2")!, port: 8080)

    static func stats(_ base: UInt64) -> IPVSStats {
        var stats = IPVSStats()
        stats.connections = base + 1
        stats.inPackets = base + 2
        stats.outPackets = base + 3
        stats.inBytes = base + 4
        stats.outBytes = base + 5
        stats.connectionsPerSecond = base + 6
        stats.inPacketsPerSecond = base + 7
        stats.outPacketsPerSecond = base + 8
        stats.inBytesPerSecond = base + 9
        stats.outBytesPerSecond = base + 10
        return stats
    }

    /// Waits for the first pass to build the fake kernel's table.
    static func tableBuilt(_ harness: Harness) async throws {
        for _ in 0..<500 where try harness.ipvs.destinations(of: web).count < 2 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(try harness.ipvs.destinations(of: web).count == 2)
    }

    /// Traffic "seen" by the fake kernel: web 1000+, web-1 2000+ (3 active, 4 inactive), web-2 0.
    static func traffic(_ harness: Harness) throws {
        #expect(harness.ipvs.setStats(stats(1000), service: web))
        #expect(harness.ipvs.setStats(stats(2000), activeConnections: 3, inactiveConnections: 4, destination: web1, service: web))
    }

    @Test func metricsCarryTheKernelsCountersRatesAndWeights() async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            try await Self.tableBuilt(harness)
            try Self.traffic(harness)
            // Someone sets web-2's weight by hand: the kernel holds 3, the daemon wants 50.
            var drifted = try #require(try harness.ipvs.destinations(of: Self.web).first { $0.key == Self.web2 })
            drifted.weight = 3
            try harness.ipvs.updateDestination(drifted, in: Self.web)

            let text = try await client.call(.get, "/metrics").text
            let service = #"{name="web",host="192.0.2.10",port="80",protocol="tcp"}"#
            let web1 = #"{service_name="web",name="web-1",host="10.0.0.1",port="8080"}"#
            let web2 = #"{service_name="web",name="web-2",host="10.0.0.2",port="8080"}"#
            let expected = [
                "gorb_ipvs_service_connections_total\(service) 1001",
                "gorb_ipvs_service_in_packets_total\(service) 1002",
                "gorb_ipvs_service_out_packets_total\(service) 1003",
                "gorb_ipvs_service_in_bytes_total\(service) 1004",
                "gorb_ipvs_service_out_bytes_total\(service) 1005",
                "gorb_ipvs_service_connections_per_second\(service) 1006",
                "gorb_ipvs_service_in_packets_per_second\(service) 1007",
                "gorb_ipvs_service_out_packets_per_second\(service) 1008",
                "gorb_ipvs_service_in_bytes_per_second\(service) 1009",
                "gorb_ipvs_service_out_bytes_per_second\(service) 1010",
                "gorb_ipvs_backend_connections_total\(web1) 2001",
                "gorb_ipvs_backend_in_packets_total\(web1) 2002",
                "gorb_ipvs_backend_out_packets_total\(web1) 2003",
                "gorb_ipvs_backend_in_bytes_total\(web1) 2004",
                "gorb_ipvs_backend_out_bytes_total\(web1) 2005",
                "gorb_ipvs_backend_connections_per_second\(web1) 2006",
                "gorb_ipvs_backend_in_packets_per_second\(web1) 2007",
                "gorb_ipvs_backend_out_packets_per_second\(web1) 2008",
                "gorb_ipvs_backend_in_bytes_per_second\(web1) 2009",
                "gorb_ipvs_backend_out_bytes_per_second\(web1) 2010",
                "gorb_ipvs_backend_active_connections\(web1) 3",
                "gorb_ipvs_backend_inactive_connections\(web1) 4",
                "gorb_ipvs_backend_connections_total\(web2) 0",
                "gorb_service_backend_weight\(web1) 100",
                "gorb_service_backend_weight\(web2) 3",
                "gorb_service_backend_desired_weight\(web1) 100",
                "gorb_service_backend_desired_weight\(web2) 50",
                "gorb_ipvs_up 1",
            ]
            let lines = Set(text.split(separator: "\n").map(String.init))
            for line in expected { #expect(lines.contains(line), "missing: \(line)") }
            #expect(ExpositionCheck.problems(in: text) == [])
        }
    }

    @Test func serviceAndBackendAnswersCarryTheKernelsStats() async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            try await Self.tableBuilt(harness)
            try Self.traffic(harness)
            let before = Date().timeIntervalSince1970.rounded(.down)

            let service = try #require(try await client.call(.get, "/service/web").object["stats"] as? [String: Any])
            #expect(service["source"] as? String == "kernel")
            let readAt = try #require(service["read-at"] as? String)
            let when = try #require(ISO8601DateFormatter().date(from: readAt))
            #expect(when.timeIntervalSince1970 >= before && when.timeIntervalSince1970 <= Date().timeIntervalSince1970 + 1)
            let names = ["connections", "in-packets", "out-packets", "in-bytes", "out-bytes", "connections-per-second",
                         "in-packets-per-second", "out-packets-per-second", "in-bytes-per-second", "out-bytes-per-second"]
            for (offset, name) in names.enumerated() { #expect(service[name] as? Int == 1001 + offset, "\(name)") }
            #expect(service["active-connections"] == nil)

            let backendAnswer = try await client.call(.get, "/service/web/web-1").object
            #expect(backendAnswer["stats-error"] == nil)
            let backend = try #require(backendAnswer["stats"] as? [String: Any])
            for (offset, name) in names.enumerated() { #expect(backend[name] as? Int == 2001 + offset, "\(name)") }
            #expect(backend["active-connections"] as? Int == 3)
            #expect(backend["inactive-connections"] as? Int == 4)
            // The kernel's weight, for `gorb-reconcile status` (kernel vs want vs file).
            let kernelWeight = try #require(try harness.ipvs.destinations(of: Self.web).first { $0.address == Self.web1.address && $0.port == Self.web1.port }?.weight)
            #expect(backend["weight"] as? Int == Int(kernelWeight))
            #expect(service["weight"] == nil)
            #expect((try await client.call(.get, "/service/web/web-2").object["stats"] as? [String: Any])?["connections"] as? Int == 0)

            // The kernel loses the service (someone ran ipvsadm -D): said, not zeros.
            try harness.ipvs.removeService(Self.web)
            let gone = try await client.call(.get, "/service/web").object
            #expect(gone["stats"] == nil)
            #expect(gone["stats-error"] as? String == "the kernel does not hold this service (yet): see GET /status and GET /plan")
            #expect(try await client.call(.get, "/service/web/web-1").object["stats-error"] as? String
                == "the kernel does not hold this backend (yet): see GET /status and GET /plan")
        }
    }

    /// The answers' stats fields are exactly the document's Stats schema (required ones present,
    /// none undocumented).
    @Test func statsMatchTheOpenAPISchema() async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            try await Self.tableBuilt(harness)
            let document = try await client.call(.get, "/openapi.json").object
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let schema = try #require(schemas["Stats"] as? [String: Any])
            let documented = Set(try #require(schema["properties"] as? [String: Any]).keys)
            let required = Set(try #require(schema["required"] as? [String]))
            for uri in ["/service/web", "/service/web/web-1"] {
                let stats = try #require(try await client.call(.get, uri).object["stats"] as? [String: Any], "\(uri)")
                let keys = Set(stats.keys)
                #expect(keys.isSubset(of: documented), "\(uri): undocumented \(keys.subtracting(documented).sorted())")
                #expect(required.isSubset(of: keys), "\(uri): missing \(required.subtracting(keys).sorted())")
            }
            for info in ["ServiceInfo", "BackendInfo"] {
                let properties = try #require((schemas[info] as? [String: Any])?["properties"] as? [String: Any])
                #expect(properties["stats"] != nil && properties["stats-error"] != nil, "\(info)")
            }
        }
    }

    /// A kernel that cannot be read: no kernel weights or counters (gorb_ipvs_up 0), the desired
    /// weights still there, and the answers say why they have no stats.
    @Test func anUnreadableKernelIsSaid() async throws {
        let harness = try Harness(kernel: UnreadableIPVS())
        try await harness.run { (client: Client) async throws in
            let text = try await client.call(.get, "/metrics").text
            #expect(text.contains("\ngorb_ipvs_up 0\n"))
            #expect(!text.contains("\ngorb_service_backend_weight{"))
            #expect(!text.contains("gorb_ipvs_backend_connections_total"))
            #expect(text.contains(#"gorb_service_backend_desired_weight{service_name="web",name="web-2",host="10.0.0.2",port="8080"} 50"#))
            #expect(ExpositionCheck.problems(in: text) == [])
            let service = try await client.call(.get, "/service/web")
            #expect(service.status == 200)
            #expect(service.object["stats"] == nil)
            #expect(service.object["stats-error"] as? String == "the kernel's statistics could not be read: \(UnreadableIPVS.error)")
            #expect((try await client.call(.get, "/service/web/web-1").object["stats-error"] as? String)?.hasPrefix("the kernel's statistics could not be read") == true)
        }
    }

    // MARK: - the checker itself

    @Test func checkerAcceptsWellGroupedText() {
        let text = """
            # HELP a A.
            # TYPE a gauge
            a{x="1"} 1
            a{x="2"} 2
            # HELP d D.
            # TYPE d summary
            d_sum 1
            d_count 2
            # TYPE e gauge

            """
        #expect(ExpositionCheck.problems(in: text) == [])
    }

    /// The shape /metrics had before: two families declared together, their samples alternating.
    @Test func checkerRejectsInterleavedFamilies() {
        let text = """
            # HELP a A.
            # TYPE a gauge
            # HELP b B.
            # TYPE b gauge
            a{x="1"} 1
            b{x="1"} 1
            a{x="2"} 2

            """
        #expect(ExpositionCheck.problems(in: text) == [
            "line 5: sample a is not in its family a's group (after b)",
            "line 5: family a continues after other families' lines (its lines must be one group)",
            "line 6: sample b is not in its family b's group (after a)",
            "line 6: family b continues after other families' lines (its lines must be one group)",
            "line 7: sample a is not in its family a's group (after b)",
            "line 7: family a continues after other families' lines (its lines must be one group)",
        ])
    }

    @Test func checkerRejectsRedeclarationsOrphansAndSamplesBeforeType() {
        #expect(ExpositionCheck.problems(in: "# TYPE a gauge\na 1\n# TYPE a gauge\na 2\n") == ["line 3: family a has a second TYPE"])
        #expect(ExpositionCheck.problems(in: "# HELP a A.\n# HELP a A.\n# TYPE a gauge\n") == ["line 2: family a has a second HELP"])
        #expect(ExpositionCheck.problems(in: "# TYPE a gauge\na 1\nb 2\n") == ["line 3: sample b belongs to no declared family"])
        #expect(ExpositionCheck.problems(in: "# TYPE a gauge\na_sum 1\n") == ["line 2: sample a_sum belongs to no declared family"])
        #expect(ExpositionCheck.problems(in: "# HELP a A.\na 1\n# TYPE a gauge\n") == ["line 2: sample a comes before its family's TYPE line"])
        // A family declared again later, after another one: split in two groups.
        #expect(ExpositionCheck.problems(in: "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# TYPE a gauge\n") == [
            "line 5: family a continues after other families' lines (its lines must be one group)",
            "line 5: family a has a second TYPE",
        ])
    }
}

/// A kernel whose every read and write fails (CAP_NET_ADMIN lost, say).
struct UnreadableIPVS: IPVS {
    static let error = IPVSError(code: .permissionDenied, errno: 1, operation: "list services", message: "not permitted")

    func info() throws(IPVSError) -> IPVSInfo { throw Self.error }
    func services() throws(IPVSError) -> [IPVSService] { throw Self.error }
    func service(_ key: IPVSService.Key) throws(IPVSError) -> IPVSService { throw Self.error }
    func destinations(of service: IPVSService.Key) throws(IPVSError) -> [IPVSDestination] { throw Self.error }
    func timeouts() throws(IPVSError) -> IPVSTimeouts { throw Self.error }
    func apply(_ changes: [IPVSChange]) throws(IPVSError) -> IPVSBatchResult { throw Self.error }
}
