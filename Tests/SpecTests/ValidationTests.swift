import Addresses
import Foundation
import Spec
import Testing
import YAMLBridge

/// One row per rule: a small file, the message it must produce, and where.
@Suite struct ValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var message: String
        /// The text the error must point at (its first occurrence, or the last line's for keys
        /// that repeat, such as a second service).
        var at: String

        var testDescription: String { name }
    }

    static let svc = "services:\n  web:\n    host: 192.0.2.10\n    port: 80\n"

    static let cases: [Case] = [
        Case(name: "unknown scheduler", yaml: svc + "    method: wrrr\n", message: "unknown scheduler 'wrrr' (did you mean 'wrr'?)", at: "wrrr"),
        Case(name: "unknown protocol", yaml: svc + "    protocol: icmp\n", message: "unknown protocol 'icmp'", at: "icmp"),
        Case(name: "port 0 without persistence", yaml: "services:\n  web: {host: 192.0.2.10, port: 0}\n", message: "port 0 (all ports) is only allowed for a persistent service", at: "0}"),
        Case(name: "missing port", yaml: "services:\n  web: {host: 192.0.2.10}\n", message: "service 'web' needs a 'port'", at: "web:"),
        Case(name: "host name instead of address", yaml: "services:\n  web: {host: example.com, port: 80}\n", message: "'example.com' is not an IPv4 or IPv6 address", at: "example.com"),
        Case(name: "unspecified VIP", yaml: "services:\n  web: {host: 0.0.0.0, port: 80}\n", message: "the VIP 0.0.0.0 is not a unicast address", at: "0.0.0.0"),
        Case(name: "flag for another scheduler", yaml: svc + "    method: sh\n    flags: [mh-port]\n", message: "flag 'mh-port' is for the mh scheduler; this service uses sh", at: "[mh-port]"),
        Case(name: "unknown flag in GORB string form", yaml: svc + "    flags: sh-fallback|sh-prt\n", message: "unknown flag 'sh-prt' (did you mean 'sh-port'?)", at: "sh-fallback|"),
        Case(name: "netmask without persistence", yaml: svc + "    netmask: 24\n", message: "netmask is the persistence granularity; it needs 'persistent'", at: "24"),
        Case(name: "bad IPv4 netmask", yaml: svc + "    persistent: true\n    netmask: 255.0.255.0\n", message: "netmask must be an IPv4 mask like 255.255.255.0 or a prefix length from 1 to 32", at: "255.0"),
        Case(name: "IPv6 netmask as mask", yaml: "services:\n  web: {host: '2001:db8::1', port: 80, persistent: true, netmask: 255.255.255.0}\n", message: "netmask must be a prefix length from 1 to 128", at: "255.255.255.0"),
        Case(name: "unknown persistence engine", yaml: svc + "    persistent: true\n    persistence-engine: http\n", message: "unknown persistence engine 'http' (the kernel has one: sip)", at: "http"),
        Case(name: "engine without persistence", yaml: svc + "    persistence-engine: sip\n", message: "a persistence engine needs 'persistent'", at: "sip"),
        Case(name: "one-packet on tcp", yaml: svc + "    one-packet: true\n", message: "one-packet scheduling is for UDP services; this one is tcp", at: "true"),
        Case(name: "persistence too long", yaml: svc + "    persistent: 31d\n", message: "expected true, false, or a persistence timeout", at: "31d"),
        Case(name: "persistence 40 days", yaml: svc + "    persistent: 960h\n", message: "the persistence timeout must be from 1s to 720h, found 960h", at: "960h"),
        Case(name: "fwmark with host", yaml: "services:\n  m: {fwmark: 5, host: 192.0.2.1}\n", message: "a fwmark service matches packets by their mark; 'host' does not apply", at: "192.0.2.1"),
        Case(name: "fwmark zero", yaml: "services:\n  m: {fwmark: 0}\n", message: "fwmark must be from 1 to 4294967295", at: "0}"),
        Case(name: "unknown family", yaml: "services:\n  m: {fwmark: 5, family: ipx}\n", message: "unknown address family 'ipx'", at: "ipx"),
        Case(name: "family contradicts host", yaml: "services:\n  web: {host: 192.0.2.1, port: 80, family: ipv6}\n", message: "family ipv6 contradicts host 192.0.2.1", at: "ipv6"),
        Case(name: "same identity twice", yaml: "services:\n  a: {host: 192.0.2.1, port: 80}\n  b: {host: 192.0.2.1, port: 80}\n", message: "service 'b' has the same kernel identity (tcp 192.0.2.1:80) as service 'a' at 2:3", at: "b:"),
        Case(name: "same fwmark twice", yaml: "services:\n  a: {fwmark: 3}\n  b: {fwmark: 3}\n", message: "service 'b' has the same kernel identity (fwmark 3)", at: "b:"),
        Case(name: "same interface service twice", yaml: "settings: {interface: eth0}\nservices:\n  a: {port: 80}\n  b: {port: 80}\n", message: "same kernel identity (tcp <eth0>:80)", at: "b:"),
        Case(name: "bad service id", yaml: "services:\n  'a b': {host: 192.0.2.1, port: 80}\n", message: "service id 'a b' must be 1 to 128 letters", at: "'a b'"),
        Case(name: "bad backend id", yaml: svc + "    backends:\n      'x/y': {host: 10.0.0.1}\n", message: "backend id 'x/y' must be", at: "'x/y'"),
        Case(name: "backend needs host", yaml: svc + "    backends:\n      b: {port: 80}\n", message: "backend 'b' needs a 'host'", at: "b:"),
        Case(name: "negative weight", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, weight: -5}\n", message: "weight must be from 0 to 2147483647, found -5", at: "-5"),
        Case(name: "huge weight", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, weight: 99999999999}\n", message: "weight must be from 0 to 2147483647", at: "99999999999"),
        Case(name: "unknown forwarding", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, method: bypass}\n", message: "unknown forwarding method 'bypass'", at: "bypass"),
        Case(name: "family mismatch", yaml: svc + "    backends:\n      b: {host: '2001:db8::1'}\n", message: "backend 2001:db8::1 is ipv6 but the service is ipv4; only a tunnel may cross address families", at: "'2001:db8::1'"),
        Case(name: "duplicate backend", yaml: svc + "    backends:\n      a: {host: 10.0.0.1}\n      b: {host: 10.0.0.1, port: 80}\n", message: "backend 'b' has the same address and port (10.0.0.1:80) as backend 'a'", at: "b:"),
        Case(name: "duplicate IPv6 backend spelt differently", yaml: "services:\n  v6:\n    host: '2001:db8::80'\n    port: 80\n    backends:\n      a: {host: '2001:db8::1'}\n      b: {host: '2001:0db8:0::1'}\n", message: "same address and port ([2001:db8::1]:80)", at: "b:"),
        Case(name: "tunnel settings without tunnel", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, tunnel: {type: gre}}\n", message: "tunnel settings need 'method: tunnel'", at: "{type: gre}"),
        Case(name: "gue without port", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, method: tunnel, tunnel: {type: gue}}\n", message: "a gue tunnel needs a 'port'", at: "{type: gue}"),
        Case(name: "ipip with checksum", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, method: tunnel, tunnel: {checksum: csum}}\n", message: "checksum options are for gue and gre tunnels", at: "csum"),
        Case(name: "ipip with port", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, method: tunnel, tunnel: {port: 5555}}\n", message: "a tunnel port is for gue tunnels; this one is ipip", at: "5555"),
        Case(name: "thresholds inverted", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, thresholds: {lower: 5}}\n", message: "the lower threshold (5) must not be above the upper threshold (0)", at: "{lower"),
        Case(name: "negative drain", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, drain: -1s}\n", message: "expected a duration like 5s", at: "-1s"),
        Case(name: "pulse type", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, pulse: {type: htp}}\n", message: "unknown pulse type 'htp' (did you mean 'http'?)", at: "htp"),
        Case(name: "pulse interval zero", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, pulse: {interval: 0s}}\n", message: "pulse interval must be positive", at: "0s"),
        Case(name: "pulse timeout longer than interval", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, pulse: {interval: 1s, timeout: 2s}}\n", message: "pulse timeout (2s) must not be longer than its interval (1s)", at: "2s}"),
        Case(name: "arg of another probe", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, pulse: {type: tcp, args: {expect: 200}}}\n", message: "'expect' does not apply to a tcp check (it takes: host, port)", at: "200"),
        Case(name: "none takes no args", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, pulse: {type: none, args: {port: 1}}}\n", message: "'port' does not apply to a none check (it takes no args)", at: "1}}}"),
        Case(name: "http bad status range", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, pulse: {type: http, args: {expect: 399-200}}}\n", message: "expected HTTP status codes from 100 to 599", at: "399-200"),
        Case(name: "http bad method", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, pulse: {type: http, args: {method: 'GE T'}}}\n", message: "'GE T' is not an HTTP method", at: "'GE T'"),
        Case(name: "dns bad query", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, pulse: {type: dns, args: {name: x., query: ANY}}}\n", message: "unknown DNS record type 'ANY'", at: "ANY"),
        Case(name: "probe host name", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, pulse: {type: tcp, args: {host: db.local}}}\n", message: "'db.local' is not an IPv4 or IPv6 address", at: "db.local"),
        Case(name: "probe port zero", yaml: svc + "    backends:\n      b: {host: 10.0.0.1, pulse: {type: tcp, args: {port: 0}}}\n", message: "port must be from 1 to 65535", at: "0}"),
        Case(name: "resync too short", yaml: "settings: {resync: 10ms}\nservices: {}\n", message: "resync must be at least 1s, found 10ms", at: "10ms"),
        Case(name: "unknown prune mode", yaml: "settings: {prune: everything}\nservices: {}\n", message: "unknown prune mode 'everything' (expected one of: owned, all)", at: "everything"),
        Case(name: "fractional kernel timeout", yaml: "settings: {timeouts: {udp: 500ms}}\nservices: {}\n", message: "a kernel timeout is counted in whole seconds, found 500ms", at: "500ms"),
        Case(name: "bad interface name", yaml: "settings: {interface: 'a/b'}\nservices: {}\n", message: "'a/b' is not a valid interface name", at: "'a/b'"),
        Case(name: "bad VIP interface name", yaml: "settings: {vips: {interface: 'this-name-is-too-long'}}\nservices: {}\n", message: "'this-name-is-too-long' is not a valid interface name", at: "'this-name"),
        Case(name: "VIPs without interface", yaml: "settings:\n  vips: {}\n", message: "needs 'interface'", at: "{}"),
        Case(name: "VIPs key typo", yaml: "settings: {vips: {interfce: lo}}\nservices: {}\n", message: "unknown key 'interfce' (did you mean 'interface'?)", at: "interfce"),
        Case(name: "default host", yaml: "defaults: {service: {host: 192.0.2.1}}\nservices: {}\n", message: "'host' identifies a service and cannot have a default", at: "192.0.2.1"),
        Case(name: "default backend port", yaml: "defaults: {backend: {port: 80}}\nservices: {}\n", message: "'port' identifies a backend and cannot have a default", at: "80"),
        Case(name: "top-level typo", yaml: "service: {}\n", message: "unknown key 'service' (did you mean 'services'?)", at: "service:"),
        Case(name: "root is a list", yaml: "- a\n- b\n", message: "expected a mapping, found a list", at: "- a"),
        Case(name: "root is a scalar", yaml: "hello\n", message: "expected a mapping, found \"hello\"", at: "hello"),
        Case(name: "empty document", yaml: "# only a comment\n", message: "the file is empty", at: "# only"),
        Case(name: "yes is not a boolean", yaml: svc + "    one-packet: yes\n", message: "expected true or false, found \"yes\"", at: "yes"),
    ]

    @Test(arguments: cases)
    func reports(_ row: Case) {
        let found = errors(row.yaml)
        let match = found.first { $0.message.contains(row.message) }
        #expect(match != nil, "expected an error containing \"\(row.message)\"; got:\n\(found.map(\.description).joined(separator: "\n"))")
        if let match {
            #expect(match.mark == Self.position(of: row.at, in: row.yaml), "\(match.description)")
            #expect(match.file == "test.yaml")
        }
    }

    /// Line and column of the last occurrence of `token` (later services/backends are the ones
    /// that clash with earlier ones).
    static func position(of token: String, in text: String) -> Mark? {
        var found: Mark?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let range = line.range(of: token) {
                found = Mark(line: index + 1, column: line.distance(from: line.startIndex, to: range.lowerBound) + 1)
            }
        }
        return found
    }

    /// Every error of a file is reported, not just the first, and in file order.
    @Test func reportsEveryErrorSortedByPosition() {
        let found = errors("""
            services:
              a: {host: 192.0.2.1, port: 80, method: nope}
              b: {host: nope, port: 80}
              c: {host: 192.0.2.3, port: 80, backends: {x: {host: 10.0.0.1, weight: -1}, y: {host: 10.0.0.2, wieght: 1}}}
            """)
        #expect(found.count == 4)
        #expect(found.map { $0.mark?.line ?? 0 } == [2, 3, 4, 4])
        #expect(found.map(\.mark) == found.map(\.mark).sorted { ($0 ?? Mark(line: 0, column: 0)) < ($1 ?? Mark(line: 0, column: 0)) })
    }

    @Test func interfaceFlagSuppliesMissingHost() throws {
        let yaml = "services:\n  a: {port: 80}\n"
        #expect(!errors(yaml).isEmpty)
        let resolved = try config(yaml, interface: "bond0")
        #expect(resolved.services[0].endpoint == .address(host: .interface("bond0"), port: 80, protocol: .tcp))
        #expect(resolved.settings.interface == "bond0")
    }

    @Test func emptyServicesIsAnEmptyTable() throws {
        #expect(try config("services: {}\n").services.isEmpty)
        #expect(try config("services:\n").services.isEmpty)
    }
}
