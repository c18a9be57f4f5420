import Spec
import Testing
import YAMLBridge

/// The health-check policy fields: `pulse.ramp`, `pulse.inhibit`, service `quorum`, backend
/// `fallback` (the sorry server).
@Suite struct HealthPolicyTests {
    static let base = """
        services:
          web:
            host: 192.0.2.10
            port: 80

        """

    @Test func defaults() throws {
        let config = try config(Self.base + "    backends:\n      a: {host: 198.51.100.1}\n")
        let service = config.services[0]
        #expect(service.quorum == 1)
        #expect(service.backends[0].fallback == false)
        #expect(service.backends[0].pulse.ramp == .seconds(30))
        #expect(service.backends[0].pulse.inhibit == true)
    }

    @Test func explicitValuesAndInheritance() throws {
        let yaml = """
            defaults:
              service: {quorum: 2, pulse: {ramp: 1m}}
              backend: {pulse: {inhibit: false, initial: down}}
            services:
              web:
                host: 192.0.2.10
                port: 80
                pulse: {type: tcp, ramp: 10s}
                backends:
                  a: {host: 198.51.100.1}
                  b: {host: 198.51.100.2, pulse: {ramp: 0s, inhibit: true, initial: UP}}
                  sorry: {host: 198.51.100.9, fallback: true, weight: 1}
              api:
                host: 192.0.2.11
                port: 80
                quorum: 0
                backends:
                  a: {host: 198.51.100.1}

            """
        let config = try config(yaml)
        let web = config.services[0]
        #expect(web.quorum == 2)
        #expect(web[backendID: "a"]?.pulse.ramp == .seconds(10))
        #expect(web[backendID: "a"]?.pulse.inhibit == false)
        #expect(web[backendID: "b"]?.pulse.ramp == .zero)
        #expect(web[backendID: "b"]?.pulse.inhibit == true)
        #expect(web[backendID: "a"]?.pulse.initial == .down)
        #expect(web[backendID: "b"]?.pulse.initial == .up)
        #expect(web[backendID: "sorry"]?.fallback == true)
        #expect(config.services[1].quorum == 0)
        #expect(config.services[1].backends[0].pulse.ramp == .seconds(60))
    }

    @Test(arguments: [
        ("    quorum: -1\n", "quorum must be from 0 to 100000 healthy backends, found -1"),
        ("    pulse: {ramp: 48h}\n    backends:\n      a: {host: 198.51.100.1}\n", "ramp must be at most 24h, found 48h"),
        ("    backends:\n      a: {host: 198.51.100.1, fallback: true}\n      b: {host: 198.51.100.2, fallback: true}\n", "a service has at most one fallback backend; found 2: a, b"),
        ("    backends:\n      a: {host: 198.51.100.1, pulse: {inhibit: maybe}}\n", "expected"),
        ("    backends:\n      a: {host: 198.51.100.1, pulse: {initial: dwn}}\n", "unknown initial health 'dwn'"),
        ("    backends:\n      a: {host: 198.51.100.1, pulse: {type: exec, args: {command: [/bin/true], user: '0day; rm'}}}\n", "'0day; rm' is not a user name"),
        ("    backends:\n      a: {host: 198.51.100.1, pulse: {type: tcp, args: {user: nobody}}}\n", "'user' does not apply to a tcp check"),
    ])
    func invalid(snippet: String, message: String) {
        let found = errors(Self.base + snippet)
        #expect(found.contains { $0.message.contains(message) }, "\(found.map(\.message))")
    }

    @Test func fallbackHasNoDefault() {
        let found = errors("defaults:\n  backend: {fallback: true}\n" + Self.base)
        #expect(found.contains { $0.message.contains("'fallback' marks one backend") }, "\(found.map(\.message))")
    }
}
