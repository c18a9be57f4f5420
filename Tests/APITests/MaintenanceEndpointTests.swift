import API
import Foundation
import HTTPTypes
import Reconciler
import Testing

/// `/maintenance`: switched on and off, saved, shown in `/status` and `/metrics`, refused when
/// malformed or without the token.
@Suite struct MaintenanceEndpointTests {
    @Test func switchesSavesAndShows() async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            #expect(try await client.call(.get, "/maintenance").object["enabled"] as? Bool == false)
            let on = try await client.call(.post, "/maintenance", #"{"enabled": true, "reason": "kernel upgrade"}"#)
            #expect(on.status == 200)
            #expect(on.object["enabled"] as? Bool == true)
            #expect(on.object["reason"] as? String == "kernel upgrade")
            #expect(on.object["since"] is String)
            let status = try await client.call(.get, "/status").object
            let shown = try #require(status["maintenance"] as? [String: Any])
            #expect(shown["enabled"] as? Bool == true && shown["reason"] as? String == "kernel upgrade")
            #expect(try await client.call(.get, "/metrics").text.contains("gorb_maintenance 1\n"))
            // Saved for the next run.
            #expect(try StateStore(directory: harness.state).loadMaintenance().enabled)
            let off = try await client.call(.post, "/maintenance", #"{"enabled": false}"#)
            #expect(off.object["enabled"] as? Bool == false)
            #expect(try StateStore(directory: harness.state).loadMaintenance() .enabled == false)
        }
    }

    @Test(arguments: [
        (#"{"reason": "x"}"#, "'enabled' is required"),
        (#"{"enabled": "yes"}"#, "expected true or false"),
        (#"{"enabled": true, "resaon": "x"}"#, "did you mean 'reason'"),
        (#"{"enabled": true, "reason": "a\u0007b"}"#, "no control characters"),
        ("[1]", "expected a mapping"),
    ])
    func refusesMalformedBodies(_ body: String, _ message: String) async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            let answer = try await client.call(.post, "/maintenance", body)
            #expect(answer.status == 400)
            #expect(answer.text.contains(message), "\(answer.text)")
            #expect(try StateStore(directory: harness.state).loadMaintenance().enabled == false)
        }
    }

    @Test func needsTheToken() async throws {
        let harness = try Harness(auth: APIAuth(token: "s3cret", scope: .mutating))
        try await harness.run { (client: Client) async throws in
            #expect(try await client.call(.post, "/maintenance", #"{"enabled": true}"#).status == 401)
            #expect(try await client.call(.get, "/maintenance").status == 200)
            #expect(try StateStore(directory: harness.state).loadMaintenance().enabled == false)
        }
    }
}
