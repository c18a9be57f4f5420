import Addresses
@testable import Checks
import Foundation
import NIOCore
import NIOPosix
import Spec
import Testing

/// Every probe type against real servers on loopback that the test starts and stops.
@Suite struct ProbeTests {
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        return pool
    }()
    /// One prober for all tests: building its TLS contexts loads the system's trust roots.
    static let sharedProber = NIOProber(threadPool: pool)
    let prober = ProbeTests.sharedProber

    func run(_ probe: Probe, port: UInt16, host: String = "127.0.0.1", timeout: Duration = .seconds(5)) async throws -> ProbeOutcome {
        let backend = Backend(id: "b", address: IPAddress(host)!, port: port)
        return try await prober.probe(probe, backend: backend, timeout: timeout, on: MultiThreadedEventLoopGroup.singleton.next()).get()
    }

    // MARK: tcp

    @Test func tcpAcceptIsUp() async throws {
        let server = try await TestServer(behavior: .hang)
        let outcome = try await run(.tcp(TCPProbe()), port: server.port)
        await server.stop()
        #expect(outcome.success, "\(outcome)")
    }

    @Test func tcpRefusedIsDown() async throws {
        let refusing = try RefusingPort()
        let outcome = try await run(.tcp(TCPProbe()), port: refusing.port)
        #expect(!outcome.success)
        #expect(outcome.error == "connection refused")
    }

    @Test func tcpPortOverride() async throws {
        let server = try await TestServer(behavior: .hang)
        let refusing = try RefusingPort()
        let outcome = try await run(.tcp(TCPProbe(port: server.port)), port: refusing.port)
        await server.stop()
        #expect(outcome.success, "\(outcome)")
    }

    // MARK: http

    @Test func httpStatusAndHostHeader() async throws {
        let server = try await TestServer(behavior: .http(200))
        let outcome = try await run(.http(HTTPProbe(path: "/health")), port: server.port)
        await server.stop()
        #expect(outcome.success, "\(outcome)")
        let request = try #require(server.seenRequests.first)
        #expect(request.hasPrefix("GET /health HTTP/1.1\r\n"))
        #expect(request.contains("Host: 127.0.0.1:\(server.port)"))
    }

    @Test(arguments: [(503, "200", false), (204, "200-299", true), (302, "200-399", true), (302, "200", false), (404, "200,404", true)])
    func httpExpectation(status: Int, expect: String, up: Bool) async throws {
        let server = try await TestServer(behavior: .http(status))
        let outcome = try await run(.http(HTTPProbe(expect: StatusExpectation.parse(expect)!)), port: server.port)
        await server.stop()
        #expect(outcome.success == up, "\(outcome)")
        if !up { #expect(outcome.error == "status \(status)") }
    }

    @Test func httpBodyText() async throws {
        let server = try await TestServer(behavior: .http(200, body: "status: healthy\n"))
        let found = try await run(.http(HTTPProbe(body: "healthy")), port: server.port)
        let missing = try await run(.http(HTTPProbe(body: "ready")), port: server.port)
        await server.stop()
        #expect(found.success, "\(found)")
        #expect(!missing.success)
        #expect(missing.error == "body text not found")
    }

    @Test func httpVirtualHostAndMethod() async throws {
        let server = try await TestServer(behavior: .http(200))
        let outcome = try await run(.http(HTTPProbe(method: "HEAD", virtualhost: "www.example.com")), port: server.port)
        await server.stop()
        #expect(outcome.success, "\(outcome)")
        let request = try #require(server.seenRequests.first)
        #expect(request.hasPrefix("HEAD / HTTP/1.1\r\n"))
        #expect(request.contains("Host: www.example.com\r\n"))
    }

    @Test func httpOverIPv6() async throws {
        guard await hasIPv6Loopback() else { return }
        let server = try await TestServer(host: "::1", behavior: .http(200))
        let outcome = try await run(.http(HTTPProbe()), port: server.port, host: "::1")
        let tcp = try await run(.tcp(TCPProbe()), port: server.port, host: "::1")
        await server.stop()
        #expect(outcome.success, "\(outcome)")
        #expect(tcp.success, "\(tcp)")
        #expect(try #require(server.seenRequests.first).contains("Host: [::1]:\(server.port)\r\n"))
    }

    @Test func httpHostOverride() async throws {
        let server = try await TestServer(behavior: .http(200))
        // The backend is 127.0.0.2 on a closed port; the check goes to the override.
        let refusing = try RefusingPort()
        let backend = Backend(id: "b", address: IPAddress("127.0.0.2")!, port: refusing.port)
        let probe = Probe.http(HTTPProbe(host: IPAddress("127.0.0.1"), port: server.port))
        let outcome = try await prober.probe(probe, backend: backend, timeout: .seconds(5), on: MultiThreadedEventLoopGroup.singleton.next()).get()
        await server.stop()
        #expect(outcome.success, "\(outcome)")
    }

    // MARK: https

    @Test func httpsInsecureAcceptsSelfSigned() async throws {
        let server = try await TestServer(behavior: .http(200, body: "fine"), tls: try testTLSContext())
        let outcome = try await run(.http(HTTPProbe(tls: true, body: "fine", sni: "check.test", insecure: true)), port: server.port)
        await server.stop()
        #expect(outcome.success, "\(outcome)")
    }

    @Test func httpsVerifyingRefusesSelfSigned() async throws {
        let server = try await TestServer(behavior: .http(200), tls: try testTLSContext())
        let outcome = try await run(.http(HTTPProbe(tls: true, sni: "check.test")), port: server.port)
        await server.stop()
        #expect(!outcome.success)
        #expect(outcome.error?.hasPrefix("TLS") == true, "\(outcome)")
    }

    @Test func httpsAgainstPlainServerIsDown() async throws {
        let server = try await TestServer(behavior: .http(200))
        let outcome = try await run(.http(HTTPProbe(tls: true, insecure: true)), port: server.port, timeout: .milliseconds(500))
        await server.stop()
        #expect(!outcome.success)
    }

    // MARK: udp, dns

    @Test func udpEcho() async throws {
        let server = try await UDPServer.echo()
        let any = try await run(.udp(UDPProbe(payload: "ping")), port: server.port)
        let prefix = try await run(.udp(UDPProbe(payload: "ping-123", expect: "ping")), port: server.port)
        let wrong = try await run(.udp(UDPProbe(payload: "ping", expect: "pong")), port: server.port)
        await server.stop()
        #expect(any.success, "\(any)")
        #expect(prefix.success, "\(prefix)")
        #expect(!wrong.success)
    }

    @Test func udpClosedPortIsRefused() async throws {
        let server = try await UDPServer.echo()
        let port = server.port
        await server.stop()
        let outcome = try await run(.udp(UDPProbe(payload: "ping")), port: port, timeout: .seconds(1))
        #expect(!outcome.success)
        // The kernel's ICMP port-unreachable makes it "connection refused" at once; should the
        // ICMP be rate-limited, the timeout still says down.
        #expect(outcome.error == "connection refused" || outcome.error?.hasPrefix("timeout") == true, "\(outcome)")
    }

    @Test func udpSilenceTimesOut() async throws {
        let server = try await UDPServer { _ in nil }
        let outcome = try await run(.udp(UDPProbe(payload: "ping")), port: server.port, timeout: .milliseconds(200))
        await server.stop()
        #expect(!outcome.success)
        #expect(outcome.error?.hasPrefix("timeout") == true)
    }

    @Test(arguments: [(UInt8(0), "NOERROR", true), (3, "NXDOMAIN", true), (3, "NOERROR", false), (2, "NOERROR", false)])
    func dnsResponseCode(rcode: UInt8, expect: String, up: Bool) async throws {
        let server = try await UDPServer.dns(rcode: rcode)
        let outcome = try await run(.dns(DNSProbe(name: "example.com", query: "A", expect: expect)), port: server.port)
        await server.stop()
        #expect(outcome.success == up, "\(outcome)")
    }

    @Test func dnsGarbageIsDown() async throws {
        let server = try await UDPServer { _ in Array("hello".utf8) }
        let outcome = try await run(.dns(DNSProbe(name: "example.com")), port: server.port)
        await server.stop()
        #expect(!outcome.success)
    }

    // MARK: exec, none

    @Test func execExitStatus() async throws {
        let ok = try await run(.exec(ExecProbe(command: ["/bin/sh", "-c", "test \"$GORB_BACKEND_HOST:$GORB_BACKEND_PORT\" = 127.0.0.1:8080"])), port: 8080)
        let bad = try await run(.exec(ExecProbe(command: ["/bin/sh", "-c", "exit 3"])), port: 8080)
        let missing = try await run(.exec(ExecProbe(command: ["/nonexistent/check"])), port: 8080)
        #expect(ok.success, "\(ok)")
        #expect(bad.error == "exit status 3")
        #expect(!missing.success)
    }

    @Test func execTimeoutKills() async throws {
        let outcome = try await run(.exec(ExecProbe(command: ["/bin/sleep", "30"])), port: 1, timeout: .milliseconds(200))
        #expect(!outcome.success)
        #expect(outcome.error?.hasPrefix("timeout") == true, "\(outcome)")
        #expect(outcome.latency < .seconds(10))
    }

    @Test func noneIsAlwaysUp() async throws {
        #expect(try await run(.none, port: 1).success)
    }
}

/// Exec checks never run as root by accident (`args.user`, ``ExecIdentity``).
@Suite struct ExecUserTests {
    func run(_ probe: ExecProbe) async throws -> ProbeOutcome {
        let backend = Backend(id: "b", address: IPAddress("127.0.0.1")!, port: 80)
        return try await ProbeTests.sharedProber.probe(.exec(probe), backend: backend, timeout: .seconds(10), on: MultiThreadedEventLoopGroup.singleton.next()).get()
    }

    /// The uid the command ran as, written where any user may write.
    func uid(runningAs user: String?) async throws -> (ProbeOutcome, String?) {
        let directory = NSTemporaryDirectory() + "gorb-exec-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try await run(ExecProbe(command: ["/bin/sh", "-c", "id -u > \(directory)/uid; id -G >> \(directory)/uid"], user: user))
        return (outcome, try? String(contentsOfFile: directory + "/uid", encoding: .utf8))
    }

    @Test(.enabled(if: geteuid() == 0, "needs root: it checks that root's checks drop to another user"))
    func asRootChecksRunAsNobodyByDefault() async throws {
        let (outcome, written) = try await uid(runningAs: nil)
        #expect(outcome.success, "\(outcome)")
        #expect(written?.split(separator: "\n").first == "65534", "\(written ?? "nothing written")")
        #expect(written?.split(separator: "\n").last?.split(separator: " ").contains("0") == false, "still in root's group: \(written ?? "")")
    }

    @Test(.enabled(if: geteuid() == 0, "needs root: switching users"))
    func theFileMayNameAnotherUserOrRoot() async throws {
        let (asRoot, rootUID) = try await uid(runningAs: "root")
        #expect(asRoot.success, "\(asRoot)")
        #expect(rootUID?.split(separator: "\n").first == "0")
        let (asNobody, nobodyUID) = try await uid(runningAs: "nobody")
        #expect(asNobody.success)
        #expect(nobodyUID?.split(separator: "\n").first == "65534")
    }

    @Test func anUnknownUserIsAClearFailure() async throws {
        let outcome = try await run(ExecProbe(command: ["/bin/true"], user: "no-such-user-gorb"))
        #expect(!outcome.success)
        #expect(outcome.error?.contains("no such user 'no-such-user-gorb' (args.user)") == true, "\(outcome)")
    }

    @Test func aDaemonThatIsNotRootRunsChecksAsItself() {
        let users: [String: (uid: uid_t, gid: gid_t)] = ["gorb": (998, 998), "nobody": (65534, 65534)]
        let lookup: (String) -> (uid: uid_t, gid: gid_t)? = { users[$0] }
        #expect(ExecIdentity.resolve(user: nil, euid: 998, lookup: lookup) == .success(ExecIdentity(prefix: [])))
        #expect(ExecIdentity.resolve(user: "gorb", euid: 998, lookup: lookup) == .success(ExecIdentity(prefix: [])))
        guard case .failure(let error) = ExecIdentity.resolve(user: "nobody", euid: 998, lookup: lookup) else {
            Issue.record("a non-root daemon claimed it could switch users")
            return
        }
        #expect(error.description.contains("cannot run as 'nobody': the daemon runs as uid 998, not root"))
        // As root: nobody by default, through setpriv with no_new_privs.
        #expect(ExecIdentity.resolve(user: nil, euid: 0, lookup: lookup) == .success(ExecIdentity(prefix: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--init-groups", "--no-new-privs", "--"])))
    }

    @Test(.enabled(if: geteuid() == 0, "needs root: switching users"))
    func aCommandThatUserCannotRunSaysSo() async throws {
        let outcome = try await run(ExecProbe(command: ["/nonexistent/check"]))
        #expect(outcome.error?.contains("cannot run /nonexistent/check as nobody") == true, "\(outcome)")
    }
}

/// Which failures are this host's and so no result at all.
@Suite struct LocalFailureTests {
    @Test func runningOutOfDescriptorsOrMemoryIsNotTheBackendsFault() {
        for code in [EMFILE, ENFILE, ENOBUFS, ENOMEM] {
            #expect(ProbeError.isLocal(IOError(errnoCode: code, reason: "socket")))
        }
        for code in [ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ECONNRESET] {
            #expect(!ProbeError.isLocal(IOError(errnoCode: code, reason: "connect")))
        }
        #expect(!ProbeError.isLocal(ChannelError.connectTimeout(.seconds(1))))
    }
}
