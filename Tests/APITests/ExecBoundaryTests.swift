import API
import Foundation
import HTTPTypes
import IPVS
import IPVSTesting
import Testing

/// The REST API is no root shell: no body may put in force an exec check the file does not give.
/// Every path a body could smuggle one through is tried, and each must answer 403, change nothing
/// in the kernel or the overlay, and say where exec checks belong.
@Suite struct ExecBoundaryTests {
    /// `web` has an exec check in the file (its backends inherit it); `api` has an http check;
    /// `defaults` give every backend without a pulse a tcp check.
    static let yaml = """
        defaults:
          backend:
            pulse: {type: tcp, interval: 5s}
        services:
          web:
            host: 192.0.2.10
            port: 80
            pulse: {type: exec, interval: 5s, timeout: 2s, args: {command: [/usr/lib/gorb/check-web]}}
            backends:
              web-1: {host: 10.0.0.1, port: 8080}
          api:
            host: 192.0.2.11
            port: 80
            pulse: {type: http, interval: 5s, args: {path: /health}}
            backends:
              api-1: {host: 10.0.1.1, port: 8080}
        """

    /// The attack from the issue, and every other way in.
    static let refused: [(String, HTTPRequest.Method, String, String)] = [
        ("the issue's attack: a new backend with its own exec pulse", .put, "/service/api/b",
         #"{"host": "10.0.1.9", "port": 80, "pulse": {"type": "exec", "interval": "3s", "timeout": "1s", "args": {"command": ["/bin/sh", "-c", "id > /tmp/p"]}}}"#),
        ("a new service whose pulse its backends inherit", .put, "/service/x",
         #"{"host": "192.0.2.99", "port": 80, "pulse": {"type": "exec", "args": {"command": ["/bin/sh", "-c", "id"]}}, "backends": {"b": {"host": "10.0.9.1"}}}"#),
        ("a backend inside a new service's body", .put, "/service/y",
         #"{"host": "192.0.2.98", "port": 80, "backends": {"b": {"host": "10.0.9.2", "pulse": {"type": "exec", "args": {"command": ["/bin/true"]}}}}}"#),
        ("a service PATCH that makes its backends' check exec", .patch, "/service/api",
         #"{"pulse": {"type": "exec", "args": {"command": ["/bin/sh", "-c", "id"]}}}"#),
        ("PATCH of the type alone (the command would come from elsewhere)", .patch, "/service/api/api-1",
         #"{"pulse": {"type": "exec"}}"#),
        ("PATCH of the args of a file exec check", .patch, "/service/web/web-1",
         #"{"pulse": {"args": {"command": ["/bin/sh", "-c", "id"]}}}"#),
        ("PATCH of another field of a file exec check", .patch, "/service/web/web-1",
         #"{"pulse": {"interval": "3s"}}"#),
        ("PATCH of the service's exec pulse its backends inherit", .patch, "/service/web",
         #"{"pulse": {"timeout": "4s"}}"#),
        ("a backend PUT with the service's exec type and another command", .put, "/service/web/b",
         #"{"host": "10.0.0.9", "port": 8080, "pulse": {"type": "exec", "args": {"command": ["/bin/sh"]}}}"#),
        ("a new service that copies a file service's exec check word for word", .put, "/service/z",
         #"{"host": "192.0.2.97", "port": 80, "pulse": {"type": "exec", "interval": "5s", "timeout": "2s", "args": {"command": ["/usr/lib/gorb/check-web"]}}, "backends": {"b": {"host": "10.0.9.3"}}}"#),
        ("a backend that restates its service's file exec check word for word", .put, "/service/web/b",
         #"{"host": "10.0.0.9", "port": 8080, "pulse": {"type": "exec", "interval": "5s", "timeout": "2s", "args": {"command": ["/usr/lib/gorb/check-web"]}}}"#),
        ("PATCH of a backend's pulse whose type is exec only by inheritance", .patch, "/service/web",
         #"{"backends": {"web-1": {"pulse": {"rise": 1}}}}"#),
    ]

    @Test(arguments: refused.indices)
    func refusedWith403(_ index: Int) async throws {
        let (what, method, path, body) = Self.refused[index]
        let harness = try Harness(yaml: Self.yaml)
        try await harness.run { (client: Client) async throws in
            _ = try await client.call(.get, "/status")
            let before = try harness.kernelWeights()
            let answer = try await client.call(method, path, body)
            #expect(answer.status == 403, "\(what): \(answer.status) \(answer.text)")
            #expect(answer.error?.contains("may not create or change an exec health check") == true, "\(what): \(answer.text)")
            #expect(answer.error?.contains("belong in the config file") == true)
            let overrides = try await client.call(.get, "/overrides").object["overrides"] as? [Any]
            #expect(overrides?.isEmpty == true, "\(what): an override was kept")
            #expect(try harness.kernelWeights() == before, "\(what): the kernel changed")
        }
    }

    @Test func aBackendAddedThroughTheAPIInheritsTheFileExecCheck() async throws {
        let harness = try Harness(yaml: Self.yaml)
        try await harness.run { (client: Client) async throws in
            let added = try await client.call(.put, "/service/web/canary", #"{"host": "10.0.0.20", "port": 8080, "weight": 5}"#)
            #expect(added.status == 200, "\(added.text)")
            // Its other pulse fields are not the API's to change either: the check is the file's.
            #expect(try await client.call(.patch, "/service/web/canary", #"{"pulse": {"interval": "3s"}}"#).status == 403)
            #expect(try harness.kernelWeights()["10.0.0.20"] == 5)
        }
    }

    @Test func checksThatRunNoProgramStayPatchable() async throws {
        let harness = try Harness(yaml: Self.yaml)
        try await harness.run { (client: Client) async throws in
            #expect(try await client.call(.patch, "/service/api/api-1", #"{"pulse": {"interval": "2s"}}"#).status == 200)
            #expect(try await client.call(.put, "/service/api/b2", #"{"host": "10.0.1.2", "pulse": {"type": "tcp"}}"#).status == 200)
            // Taking an exec check away runs nothing.
            #expect(try await client.call(.patch, "/service/web/web-1", #"{"pulse": {"type": "tcp"}}"#).status == 200)
            // Other fields of a backend with a file exec check stay patchable.
            #expect(try await client.call(.patch, "/service/web/web-1", #"{"weight": 0}"#).status == 200)
        }
    }
}
