import Addresses
import Checks
import NIOCore
import NIOPosix
import Spec
import Testing

/// Check targets that misbehave count as down, quickly, and leave nothing behind.
@Suite(.serialized) struct MisbehavingTargetTests {
    let prober = ProbeTests.sharedProber

    func http(_ port: UInt16, _ probe: HTTPProbe = HTTPProbe(), timeout: Duration = .seconds(5)) async throws -> ProbeOutcome {
        let backend = Backend(id: "b", address: IPAddress("127.0.0.1")!, port: port)
        return try await prober.probe(.http(probe), backend: backend, timeout: timeout, on: MultiThreadedEventLoopGroup.singleton.next()).get()
    }

    @Test func garbageIsDown() async throws {
        let server = try await TestServer(behavior: .respond(Array("SSH-2.0-OpenSSH_9.6\r\n\r\nxx".utf8)))
        let outcome = try await http(server.port)
        await server.stop()
        #expect(!outcome.success)
    }

    @Test func hangingServerTimesOut() async throws {
        let server = try await TestServer(behavior: .hang)
        let outcome = try await http(server.port, timeout: .milliseconds(300))
        await server.stop()
        #expect(!outcome.success)
        #expect(outcome.error?.hasPrefix("timeout") == true, "\(outcome)")
    }

    @Test func neverClosingServerWithBodyCheckTimesOut() async throws {
        // A complete head, a body that never ends: the status matches but the text never comes.
        let head = Array("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nabc".utf8)
        let server = try await TestServer(behavior: .respond(head, close: false))
        let outcome = try await http(server.port, HTTPProbe(body: "ready"), timeout: .milliseconds(300))
        await server.stop()
        #expect(!outcome.success)
    }

    @Test func tenMegabyteBodyIsCapped() async throws {
        let server = try await TestServer(behavior: .bigBody(status: 200, bytes: 10 << 20))
        let outcome = try await http(server.port, HTTPProbe(body: "needle"))
        // Without a body check the status decides and the body is never read.
        let quick = try await http(server.port)
        await server.stop()
        #expect(!outcome.success)
        #expect(outcome.error?.contains("KiB") == true, "\(outcome)")
        #expect(quick.success)
    }

    @Test func resetMidResponseIsDown() async throws {
        let server = try await TestServer(behavior: .resetAfter(Array("HTTP/1.1 200 OK\r\nContent-Len".utf8)))
        let outcome = try await http(server.port)
        await server.stop()
        #expect(!outcome.success)
    }

    @Test func closeBeforeAnswerIsDown() async throws {
        let server = try await TestServer(behavior: .respond([]))
        let outcome = try await http(server.port)
        await server.stop()
        #expect(!outcome.success)
    }

    /// 1,000 checks of every bad kind (and good ones), tls among them, leave no socket open.
    @Test func noDescriptorLeak() async throws {
        let servers = [
            try await TestServer(behavior: .http(200)),
            try await TestServer(behavior: .http(500)),
            try await TestServer(behavior: .hang),
            try await TestServer(behavior: .respond(Array("garbage\r\n\r\n".utf8))),
            try await TestServer(behavior: .resetAfter(Array("HTTP/1.1 200".utf8))),
            try await TestServer(behavior: .bigBody(status: 200, bytes: 1 << 20)),
        ]
        let refusing = try RefusingPort()
        let refused = refusing.port
        let udp = try await UDPServer.echo()
        // Warm up (lazily created loops, pools, TLS contexts).
        _ = try await http(servers[0].port)
        for round in 0..<4 {
            try await withThrowingTaskGroup(of: ProbeOutcome.self) { group in
                for _ in 0..<12 { for server in servers {
                    group.addTask { try await http(server.port, HTTPProbe(body: round % 2 == 0 ? "x" : nil), timeout: .milliseconds(200)) }
                    group.addTask { try await http(server.port, HTTPProbe(tls: true, insecure: true), timeout: .milliseconds(200)) }
                } }
                group.addTask { try await http(refused, timeout: .milliseconds(200)) }
                group.addTask {
                    let backend = Backend(id: "u", address: IPAddress("127.0.0.1")!, port: udp.port)
                    return try await prober.probe(.udp(UDPProbe(payload: "x")), backend: backend, timeout: .milliseconds(200), on: MultiThreadedEventLoopGroup.singleton.next()).get()
                }
                for try await _ in group {}
            }
        }
        // Closes finish asynchronously on the loops (ours and the servers'): give them a moment.
        // Counted: this process's descriptors of sockets to or from the soak's servers (other
        // suites run in parallel and open descriptors of their own, so a total would flake).
        let ports = Set(servers.map(\.port) + [udp.port, refused])
        var lines = openSocketLines(touching: ports)
        for _ in 0..<100 where !lines.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            lines = openSocketLines(touching: ports)
        }
        for server in servers { await server.stop() }
        await udp.stop()
        #expect(lines.isEmpty, "sockets of the soak still open: \(lines)")
    }
}
