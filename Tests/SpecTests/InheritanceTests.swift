import Addresses
import Spec
import Testing
import YAMLBridge

/// Defaults flow object → service pulse → `defaults` → built-in, field by field.
@Suite struct InheritanceTests {
    @Test func builtInDefaultsMatchGORB() throws {
        let resolved = try config("services:\n  web:\n    host: 192.0.2.1\n    port: 80\n    backends:\n      b: {host: 10.0.0.1}\n")
        let service = resolved.services[0]
        #expect(service.scheduler == .wrr)
        #expect(service.endpoint == .address(host: .ip(IPAddress("192.0.2.1")!), port: 80, protocol: .tcp))
        #expect(service.persistence == nil)
        let backend = service.backends[0]
        #expect(backend.weight == 100)
        #expect(backend.forwarding == .nat)
        #expect(backend.port == 80)  // the service's port
        #expect(backend.pulse == Pulse(probe: .tcp(TCPProbe()), interval: .seconds(60), timeout: .seconds(5), rise: 2, fall: 3))
        #expect(backend.drain == .seconds(300))
        #expect(resolved.settings == Settings(interface: nil, resync: .seconds(30), prune: .owned, timeouts: KernelTimeouts()))
    }

    @Test func fieldsInheritInOrder() throws {
        let resolved = try config("""
            defaults:
              service: {method: lc, persistent: 60s}
              backend:
                weight: 7
                drain: 10s
                pulse: {type: http, interval: 9s, rise: 4, args: {path: /d, expect: 204}}
            services:
              web:
                host: 192.0.2.1
                port: 80
                method: rr
                pulse: {interval: 4s, args: {path: /s}}
                backends:
                  a: {host: 10.0.0.1}
                  b: {host: 10.0.0.2, weight: 3, pulse: {rise: 1, args: {expect: 200-299}}}
                  c: {host: 10.0.0.3, pulse: {type: tcp}}
            """)
        let web = resolved.services[0]
        #expect(web.scheduler == .rr)  // own value wins over defaults.service
        #expect(web.persistence == Persistence(timeout: 60))  // inherited
        let a = web.backends[0]
        #expect(a.weight == 7)
        #expect(a.drain == .seconds(10))
        #expect(a.pulse.interval == .seconds(4))  // service pulse over defaults
        #expect(a.pulse.rise == 4)  // defaults where the service is silent
        guard case .http(let httpA) = a.pulse.probe else { Issue.record("a: http expected"); return }
        #expect(httpA.path == "/s")
        #expect(httpA.expect == StatusExpectation([204...204]))
        let b = web.backends[1]
        #expect(b.weight == 3)
        #expect(b.pulse.rise == 1)
        guard case .http(let httpB) = b.pulse.probe else { Issue.record("b: http expected"); return }
        #expect(httpB.path == "/s")
        #expect(httpB.expect == StatusExpectation([200...299]))
        // A different probe type does not inherit the other type's args.
        #expect(web.backends[2].pulse.probe == .tcp(TCPProbe()))
        #expect(web.backends[2].pulse.interval == .seconds(4))
    }
}
