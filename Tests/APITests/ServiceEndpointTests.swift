import Addresses
import API
import Foundation
import HTTPTypes
import IPVS
import IPVSTesting
import Testing

/// GORB's endpoints: paths, shapes, status codes and messages, and the bugs it had, fixed.
@Suite struct ServiceEndpointTests {
    @Test func listsServicesInFileOrder() async throws {
        try await Harness().run { (client: Client) async throws in
            let answer = try await client.call(.get, "/service")
            #expect(answer.status == 200)
            #expect(answer.json as? [String] == ["web", "dns"])
            #expect(answer.headers[.contentType] == "application/json")
        }
    }

    @Test func serviceInfoHasGorbShape() async throws {
        try await Harness().run { (client: Client) async throws in
            let info = try await client.call(.get, "/service/web").object
            #expect(info["backends"] as? [String] == ["web-1", "web-2"])
            #expect(info["health"] as? Double == 1)  // not checked yet: healthy, not GORB's 0
            let options = try #require(info["options"] as? [String: Any])
            #expect(options["host"] as? String == "192.0.2.10")
            #expect(options["port"] as? Int == 80)
            #expect(options["protocol"] as? String == "tcp")
            #expect(options["method"] as? String == "wrr")
            #expect(options["persistent"] as? Bool == false)
            // No backends: an empty list, not GORB's null.
            #expect(try await client.call(.get, "/service/dns").object["backends"] as? [String] == [])
        }
    }

    @Test func backendInfoHasGorbShape() async throws {
        try await Harness().run { (client: Client) async throws in
            let info = try await client.call(.get, "/service/web/web-2").object
            let options = try #require(info["options"] as? [String: Any])
            #expect(options["host"] as? String == "10.0.0.2")
            #expect(options["weight"] as? Int == 50)
            #expect(options["method"] as? String == "nat")
            let metrics = try #require(info["metrics"] as? [String: Any])
            #expect(metrics["status"] as? Int == 0)
            #expect(metrics["health"] as? Double == 1)
            #expect(metrics["uptime"] as? Int == 0)
        }
    }

    @Test func unknownObjectsAre404() async throws {
        try await Harness().run { (client: Client) async throws in
            let service = try await client.call(.get, "/service/nope")
            #expect(service.status == 404)
            #expect(service.error == "service 'nope' does not exist")
            #expect(try await client.call(.get, "/service/web/nope").error == "service 'web' has no backend 'nope'")
            // Backend ids are scoped to their service (GORB looked them up globally).
            #expect(try await client.call(.get, "/service/dns/web-1").status == 404)
            #expect(try await client.call(.patch, "/service/nope", "{}").status == 404)
            #expect(try await client.call(.delete, "/service/web/nope").status == 404)
            #expect(try await client.call(.put, "/service/nope/b", #"{"host": "10.0.0.9"}"#).status == 404)
        }
    }

    @Test func gorbReadmeExamplesAsWritten() async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            let service = try await client.call(.put, "/service/web-1", #"{"host": "10.0.0.1", "port": 80, "protocol": "tcp", "method": "sh", "persistent": true, "flags": "sh-fallback|sh-port"}"#)
            #expect(service.status == 200)
            #expect(service.text.isEmpty)  // GORB: empty body on success
            // GORB crashed on these numbers; here they are simply numbers.
            let backend = try await client.call(.put, "/service/web-1/node-1", #"{"host": "10.1.0.1", "port": 80, "method": "nat", "weight": 100, "pulse": {"type": "http", "args": {"method": "GET", "port": 54321, "path": "/health", "expect": 200}, "interval": "5s"}}"#)
            #expect(backend.status == 200)
            // In the kernel when the answer came.
            let key = IPVSService.Key.socket(.tcp, try #require(IPAddress("10.0.0.1")), port: 80)
            let service0 = try harness.ipvs.service(key)
            #expect(service0.scheduler == "sh")
            #expect(try harness.kernelWeights()["10.1.0.1"] == 100)
            let pulse = try await client.call(.get, "/service/web-1/node-1").object["options"] as? [String: Any]
            #expect((pulse?["pulse"] as? [String: Any])?["interval"] as? String == "5s")
        }
    }

    @Test func putOfAnExistingObjectIs409() async throws {
        try await Harness().run { (client: Client) async throws in
            let service = try await client.call(.put, "/service/web", #"{"host": "192.0.2.99", "port": 80}"#)
            #expect(service.status == 409)
            #expect(service.error?.contains("exists already") == true)
            #expect(try await client.call(.put, "/service/web/web-1", #"{"host": "10.0.0.9"}"#).status == 409)
        }
    }

    @Test func patchChangesOnlyWhatItCarries() async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            #expect(try await client.call(.patch, "/service/web/web-2", #"{"weight": 5}"#).status == 200)
            #expect(try harness.kernelWeights() == ["10.0.0.1": 100, "10.0.0.2": 5])
            // An empty body is not "weight 0" (GORB drained the backend).
            #expect(try await client.call(.patch, "/service/web/web-2", "{}").status == 200)
            #expect(try await client.call(.patch, "/service/web/web-2", "").status == 200)
            #expect(try harness.kernelWeights()["10.0.0.2"] == 5)
            // PATCH /service/{id} exists (GORB advertised it but did not route it).
            #expect(try await client.call(.patch, "/service/web", #"{"method": "rr"}"#).status == 200)
            let key = IPVSService.Key.socket(.tcp, try #require(IPAddress("192.0.2.10")), port: 80)
            #expect(try harness.ipvs.service(key).scheduler == "rr")
            #expect(try harness.kernelWeights()["10.0.0.2"] == 5)
        }
    }

    @Test func deleteRemovesAndDrains() async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            // drain 0s in a patch first, so the delete is immediate.
            #expect(try await client.call(.patch, "/service/web/web-1", #"{"drain": "0s"}"#).status == 200)
            #expect(try await client.call(.delete, "/service/web/web-1").status == 200)
            #expect(try harness.kernelWeights() == ["10.0.0.2": 50])
            #expect(try await client.call(.get, "/service/web/web-1").status == 404)
            #expect(try await client.call(.delete, "/service/dns").status == 200)
            #expect(try await client.call(.get, "/service").json as? [String] == ["web"])
            #expect(try harness.ipvs.services().count == 1)
        }
    }

    @Test func invalidBodiesAre400WithEveryErrorAndItsPath() async throws {
        try await Harness().run { (client: Client) async throws in
            let answer = try await client.call(.patch, "/service/web/web-1", #"{"weight": "heavy", "wieght": 3}"#)
            #expect(answer.status == 400)
            let errors = answer.object["errors"] as? [String] ?? []
            #expect(errors.count == 2)
            #expect(errors.contains { $0.hasPrefix("weight: ") && $0.contains("line 1, column 12") })
            #expect(errors.contains { $0.contains("did you mean 'weight'") })
            // Valid JSON, invalid value: the file's validator, with the merged state's path.
            let range = try await client.call(.patch, "/service/web/web-1", #"{"weight": -1}"#)
            #expect(range.status == 400)
            #expect(range.error?.hasPrefix("services.web.backends.web-1.weight: ") == true)
            // Not JSON at all, not an object, family mismatch.
            #expect(try await client.call(.put, "/service/x", #"{"host": "#).status == 400)
            #expect(try await client.call(.put, "/service/x", "[1, 2]").error == "the body must be a JSON object, found a list")
            let family = try await client.call(.put, "/service/web/v6", #"{"host": "2001:db8::1"}"#)
            #expect(family.status == 400)
            #expect(family.error?.contains("services.web.backends.v6") == true)
            // A bad id is the file's rule too.
            #expect(try await client.call(.put, "/service/bad%20id", #"{"host": "192.0.2.77", "port": 80}"#).status == 400)
        }
    }

    @Test func nothingHalfAppliedAfterARefusal() async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            _ = try await client.call(.get, "/service")
            let before = try harness.kernelWeights()
            #expect(try await client.call(.put, "/service/web/web-3", #"{"host": "10.0.0.3", "weight": 3000000000}"#).status == 400)
            #expect(try harness.kernelWeights() == before)
            let overrides = try await client.call(.get, "/overrides").object["overrides"] as? [Any]
            #expect(overrides?.isEmpty == true)
        }
    }

    @Test func ttlIsValidated() async throws {
        try await Harness().run { (client: Client) async throws in
            #expect(try await client.call(.patch, "/service/web/web-1", #"{"weight": 1, "ttl": "soon"}"#).status == 400)
            #expect(try await client.call(.patch, "/service/web/web-1", #"{"weight": 1, "ttl": "0s"}"#).status == 400)
            #expect(try await client.call(.delete, "/service/web/web-1?ttl=-5m").status == 400)
            #expect(try await client.call(.patch, "/service/web/web-1", #"{"weight": 1, "ttl": "30m"}"#).status == 200)
        }
    }

    @Test func bodyLimitIsOneMebibyte() async throws {
        try await Harness().run { (client: Client) async throws in
            let big = #"{"host": ""# + String(repeating: "x", count: 1 << 20) + #""}"#
            let answer = try await client.call(.put, "/service/big", big)
            #expect(answer.status == 413)
            #expect(answer.error?.contains("1 MiB") == true)
        }
    }
}
