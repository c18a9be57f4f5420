import Foundation
import IPVS
import IPVSTesting
import Testing

/// A request must arrive whole within the deadline of its header (10 s in the daemon, 2 s here),
/// else 408 and the connection is closed; a slow client never holds a connection or a handler.
@Suite struct RequestTimeoutTests {
    static let body = Array(#"{"host": "192.0.2.77", "port": 80}"#.utf8)

    static func head(_ request: String, port: Int, type: String = "application/json", length: Int = body.count) -> String {
        "\(request) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: \(type)\r\nContent-Length: \(length)\r\n\r\n"
    }

    @Test func aBodyThatTricklesGets408AndTheConnectionCloses() async throws {
        let harness = try Harness()
        try await harness.serve(requestTimeout: .seconds(2)) { port in
            let slow = try await RawConnection.trickle(port: port, head: Self.head("PUT /service/slow", port: port), body: Self.body, every: .seconds(1), giveUp: .seconds(15))
            #expect(slow.answer.hasPrefix("HTTP/1.1 408"), "\(slow.answer)")
            #expect(slow.answer.contains("did not arrive whole within 2 s"))
            #expect(slow.closed)
            #expect(slow.elapsed >= .seconds(2) && slow.elapsed < .seconds(6), "\(slow.elapsed)")
            #expect(slow.sent < Self.body.count)

            // Nothing was added, and the server serves the next client.
            let list = try await RawConnection.trickle(port: port, head: "GET /service HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", body: [], every: .zero, giveUp: .seconds(10))
            #expect(list.answer.hasPrefix("HTTP/1.1 200"), "\(list.answer)")
            #expect(!list.answer.contains("slow"))
        }
    }

    @Test func aBodyInTimeIsServed() async throws {
        let harness = try Harness()
        try await harness.serve(requestTimeout: .seconds(2)) { port in
            let head = Self.head("PUT /service/quick", port: port).replacingOccurrences(of: "\r\n\r\n", with: "\r\nConnection: close\r\n\r\n")
            let quick = try await RawConnection.trickle(port: port, head: head + String(decoding: Self.body, as: UTF8.self), body: [], every: .zero, giveUp: .seconds(10))
            #expect(quick.answer.hasPrefix("HTTP/1.1 200"), "\(quick.answer)")
            #expect(try harness.ipvs.services().count == 3)  // web, dns and quick
        }
    }

    /// Refused before its body is read (a form post): the answer comes at once, and the connection
    /// still closes at the deadline instead of waiting for the rest of the body.
    @Test func anEarlyAnswerStillClosesASlowConnection() async throws {
        let harness = try Harness()
        try await harness.serve(requestTimeout: .seconds(2)) { port in
            let form = try await RawConnection.trickle(port: port, head: Self.head("POST /reload", port: port, type: "text/plain"), body: Self.body, every: .seconds(1), giveUp: .seconds(15))
            #expect(form.answer.hasPrefix("HTTP/1.1 415"), "\(form.answer)")
            #expect(!form.answer.contains("408"))
            #expect(form.closed)
            #expect(form.elapsed < .seconds(6), "\(form.elapsed)")
        }
    }
}
