import API
import Foundation
import HTTPTypes
import Testing

/// No web page can change the balancer: bodies a browser may post cross-site without asking
/// (form types, text/plain) get 415, and changes a browser marks as cross-site or from another
/// origin get 403; JSON clients and clients that send no body type are not affected.
@Suite struct BrowserRequestTests {
    static let changes: [(HTTPRequest.Method, String, String?)] = [
        (.put, "/service/new", #"{"host": "192.0.2.77", "port": 80}"#),
        (.patch, "/service/web/web-1", #"{"weight": 7}"#),
        (.delete, "/service/web/web-2", nil),
        (.post, "/reload", nil),
    ]

    @Test(arguments: ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain;charset=UTF-8", "Text/Plain"])
    func formBodyTypesAre415(type: String) async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            for (method, path, body) in Self.changes {
                let answer = try await client.call(method, path, body ?? "", headers: [.contentType: type])
                #expect(answer.status == 415, "\(method) \(path) with \(type): \(answer.status) \(answer.text)")
                #expect(answer.error?.contains("send the JSON body with 'Content-Type: application/json'") == true)
            }
            // Nothing changed.
            #expect(try harness.kernelWeights()["10.0.0.1"] == 100)
            #expect(try await client.call(.get, "/service/new").status == 404)
        }
    }

    @Test func crossSiteChangesAre403() async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            let site = HTTPField.Name("Sec-Fetch-Site")!
            for headers: HTTPFields in [[.origin: "http://evil.example"], [.origin: "null"], [site: "cross-site"], [site: "same-site"]] {
                for (method, path, body) in Self.changes {
                    var all = headers
                    all[.contentType] = "application/json"
                    let answer = try await client.call(method, path, body, headers: all)
                    #expect(answer.status == 403, "\(method) \(path) with \(headers): \(answer.status) \(answer.text)")
                }
            }
            #expect(try harness.kernelWeights()["10.0.0.1"] == 100)
            // Reads stay open to any page the token allows (they change nothing).
            #expect(try await client.call(.get, "/service/web", headers: [.origin: "http://evil.example"]).status == 200)
        }
    }

    @Test func jsonAndUntypedClientsAreServed() async throws {
        let harness = try Harness()
        try await harness.run { (client: Client) async throws in
            let site = HTTPField.Name("Sec-Fetch-Site")!
            #expect(try await client.call(.patch, "/service/web/web-1", #"{"weight": 7}"#, headers: [.contentType: "application/json"]).status == 200)
            #expect(try await client.call(.patch, "/service/web/web-1", #"{"weight": 8}"#, headers: [.contentType: "application/json; charset=utf-8", site: "same-origin"]).status == 200)
            #expect(try await client.call(.patch, "/service/web/web-1", #"{"weight": 9}"#).status == 200)
            #expect(try harness.kernelWeights()["10.0.0.1"] == 9)
        }
    }
}
