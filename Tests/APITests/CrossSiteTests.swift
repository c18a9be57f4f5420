import API
import Foundation
import HTTPTypes
import Testing

/// A web page must not be able to change the balancer: form content types get 415, a browser's
/// change from another origin 403; scripts (no Origin, JSON or no content type) keep working.
@Suite struct CrossSiteTests {
    /// A change for each mutating method, and what it would do if it were let through.
    static let changes: [(method: HTTPRequest.Method, uri: String, body: String?)] = [
        (.put, "/service/evil", #"{"host": "192.0.2.66", "port": 80}"#),
        (.patch, "/service/web/web-1", #"{"weight": 0}"#),
        (.delete, "/service/web/web-1", nil),
        (.post, "/reload", nil),
    ]

    static let formTypes = [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=----x",
        "text/plain",
        "text/plain;charset=UTF-8",
        "Application/X-WWW-Form-Urlencoded",
    ]

    @Test(arguments: formTypes)
    func formContentTypesAreRefusedOnEveryChange(_ type: String) async throws {
        try await Self.expectEveryChangeRefused(headers: [.contentType: type], status: 415, saying: "Content-Type: application/json")
    }

    /// Sends every change with `headers`: each gets `status` with a message containing `saying`,
    /// and nothing changes (no service added, web-1 still in the kernel at its weight).
    static func expectEveryChangeRefused(headers: HTTPFields, status: Int, saying: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            for change in Self.changes {
                let answer = try await client.call(change.method, change.uri, change.body, headers: headers)
                #expect(answer.status == status, "\(change.method) \(change.uri) with \(headers)", sourceLocation: sourceLocation)
                #expect(answer.error?.contains(saying) == true, "\(answer.text)", sourceLocation: sourceLocation)
            }
            #expect(try await client.call(.get, "/service").json as? [String] == ["web", "dns"], sourceLocation: sourceLocation)
            #expect(try harness.kernelWeights()["10.0.0.1"] == 100, sourceLocation: sourceLocation)
        }
    }

    @Test func jsonAndNoContentTypeAreAccepted() async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            let json: HTTPFields = [.contentType: "application/json"]
            #expect(try await client.call(.put, "/service/a", #"{"host": "192.0.2.61", "port": 80}"#, headers: json).status == 200)
            #expect(try await client.call(.put, "/service/b", #"{"host": "192.0.2.62", "port": 80}"#).status == 200)
            #expect(try await client.call(.patch, "/service/web/web-1", #"{"weight": 3}"#, headers: [.contentType: "application/json; charset=utf-8"]).status == 200)
            #expect(try await client.call(.delete, "/service/b").status == 200)
            #expect(try await client.call(.post, "/reload").status == 200)
            #expect(try harness.kernelWeights()["10.0.0.1"] == 3)
        }
    }

    @Test func readsIgnoreContentTypeAndOrigin() async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            let answer = try await client.call(.get, "/status", headers: [.contentType: "text/plain", .origin: "http://evil.example"])
            #expect(answer.status == 200)
        }
    }

    /// (The router tests' requests are for `localhost`.)
    @Test(arguments: ["http://evil.example", "http://localhost:9999", "https://localhost", "null"])
    func aChangeFromAnotherOriginIsRefused(_ origin: String) async throws {
        try await Self.expectEveryChangeRefused(headers: [.origin: origin], status: 403, saying: "web page")
    }

    @Test(arguments: ["cross-site", "same-site", "Cross-Site"])
    func secFetchSiteFromAnotherSiteIsRefused(_ site: String) async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            let answer = try await client.call(.post, "/reload", headers: [HTTPField.Name("Sec-Fetch-Site")!: site])
            #expect(answer.status == 403)
        }
    }

    @Test func theServersOwnOriginMayChange() async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            let headers: HTTPFields = [.origin: "http://localhost", .contentType: "application/json", HTTPField.Name("Sec-Fetch-Site")!: "same-origin"]
            #expect(try await client.call(.patch, "/service/web/web-1", #"{"weight": 9}"#, headers: headers).status == 200)
            #expect(try await client.call(.post, "/reload", headers: [.origin: "http://localhost:80"]).status == 200)
        }
    }

    /// Over a real connection, the origin is the `Host` the client asked for.
    @Test func theOriginOfARealConnection() async throws {
        try await Harness().serve(requestTimeout: .seconds(10)) { port in
            let own = try await Self.reload(port: port, host: "127.0.0.1:\(port)", origin: "http://127.0.0.1:\(port)")
            #expect(own.hasPrefix("HTTP/1.1 200"), "\(own)")
            let other = try await Self.reload(port: port, host: "127.0.0.1:\(port)", origin: "http://127.0.0.1:1")
            #expect(other.hasPrefix("HTTP/1.1 403"), "\(other)")
        }
    }

    /// DNS rebinding: the page's own name now points at 127.0.0.1, so the browser calls it same
    /// origin. Without a token, a browser's change to a host name is refused; with one, the page
    /// cannot know the token.
    @Test func aBrowsersChangeToAHostNameNeedsAToken() async throws {
        try await Harness().serve(requestTimeout: .seconds(10)) { port in
            let answer = try await Self.reload(port: port, host: "evil.example:\(port)", origin: "http://evil.example:\(port)")
            #expect(answer.hasPrefix("HTTP/1.1 403"), "\(answer)")
            #expect(answer.contains("DNS rebinding"))
        }
        try await Harness(auth: APIAuth(token: "s3cret", scope: .mutating)).serve(requestTimeout: .seconds(10)) { port in
            let answer = try await Self.reload(port: port, host: "evil.example:\(port)", origin: "http://evil.example:\(port)", extra: "Authorization: Bearer s3cret\r\n")
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
        }
    }

    /// `POST /reload` over a fresh connection; the raw answer.
    static func reload(port: Int, host: String, origin: String, extra: String = "") async throws -> String {
        let head = "POST /reload HTTP/1.1\r\nHost: \(host)\r\nOrigin: \(origin)\r\n\(extra)Connection: close\r\n\r\n"
        return try await RawConnection.trickle(port: port, head: head, body: [], every: .zero, giveUp: .seconds(10)).answer
    }
}

