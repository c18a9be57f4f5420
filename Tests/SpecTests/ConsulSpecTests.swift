import Spec
import Testing
import YAMLBridge

/// `settings.consul` and each service's `consul:`: defaults, the id → DNS label mapping, and every
/// rule with the position it reports.
@Suite struct ConsulSpecTests {
    @Test(arguments: [
        ("web", "web"),
        ("Web_API.v2", "web-api-v2"),
        ("nginx-80-tcp", "nginx-80-tcp"),
        ("a::b@@c", "a-b-c"),
        ("_edge_", "edge"),
        ("--x--", "x"),
        (String(repeating: "a", count: 62) + "_b", String(repeating: "a", count: 62)),
        (String(repeating: "x", count: 70), String(repeating: "x", count: 63)),
    ])
    func idBecomesDNSLabel(id: String, label: String) {
        #expect(ConsulName.label(for: id) == label)
        #expect(ConsulName.isLabel(label))
    }

    @Test func idWithoutLetterOrDigitHasNoLabel() {
        #expect(ConsulName.label(for: "_.:@") == nil)
        #expect(!ConsulName.isLabel("Web"))
        #expect(!ConsulName.isLabel("-web"))
        #expect(!ConsulName.isLabel(String(repeating: "a", count: 64)))
    }

    @Test func settingsAndServiceOptionsResolve() throws {
        let resolved = try config("""
            settings:
              consul:
                address: http://10.0.0.5:8500
                token-file: /etc/gorb/consul.token
                datacenter: eu-west
                tags: [lb, ipvs]
                ttl: 15s
                deregister-after: 5m
            services:
              Web_1:
                host: 192.0.2.10
                port: 80
                consul: {name: www, tags: [edge], meta: {team: web, tier: front}}
              quiet:
                host: 192.0.2.11
                port: 80
                consul: {register: false}
              plain: {host: 192.0.2.12, port: 80}
            """)
        let consul = try #require(resolved.settings.consul)
        #expect(consul == ConsulSettings(address: "http://10.0.0.5:8500", tokenFile: "/etc/gorb/consul.token", datacenter: "eu-west", tags: ["lb", "ipvs"], ttl: .seconds(15), deregisterAfter: .seconds(300)))
        let web = try #require(resolved[serviceID: "Web_1"]).consul
        #expect(web.name == "www")
        #expect(web.tags == ["edge"])
        #expect(web.meta.map(\.key) == ["team", "tier"])
        #expect(resolved[serviceID: "quiet"]?.consul.register == false)
        #expect(resolved[serviceID: "plain"]?.consul == ServiceRegistration(name: "plain"))
    }

    @Test func noConsulSectionMeansNotConfigured() throws {
        let resolved = try config("services:\n  web: {host: 192.0.2.10, port: 80}\n")
        #expect(resolved.settings.consul == nil)
        #expect(resolved[serviceID: "web"]?.consul.name == "web")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var message: String
        var at: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "two ids, one name", yaml: "services:\n  web_a: {host: 192.0.2.1, port: 80}\n  Web.A: {host: 192.0.2.2, port: 80}\n", message: "service 'Web.A' would be registered in Consul as 'web-a', as service 'web_a' is", at: "Web.A:"),
        Case(name: "explicit name taken", yaml: "services:\n  web: {host: 192.0.2.1, port: 80}\n  other:\n    host: 192.0.2.2\n    port: 80\n    consul: {name: web}\n", message: "would be registered in Consul as 'web', as service 'web' is", at: "web}"),
        Case(name: "name not a label", yaml: "services:\n  web:\n    host: 192.0.2.1\n    port: 80\n    consul: {name: Web_Site}\n", message: "consul name 'Web_Site' is not a DNS label", at: "Web_Site"),
        Case(name: "daemon's name", yaml: "services:\n  gorb: {host: 192.0.2.1, port: 80}\n", message: "the Consul name 'gorb' is the daemon's own registration", at: "gorb:"),
        Case(name: "id with no letter", yaml: "services:\n  \"_\": {host: 192.0.2.1, port: 80}\n", message: "has no letter or digit to make a Consul name of", at: "\"_\""),
        Case(name: "reserved meta key", yaml: "services:\n  web:\n    host: 192.0.2.1\n    port: 80\n    consul:\n      meta: {managed-by: me}\n", message: "the meta key 'managed-by' is set by the daemon", at: "managed-by"),
        Case(name: "consul- meta key", yaml: "services:\n  web:\n    host: 192.0.2.1\n    port: 80\n    consul:\n      meta: {consul-x: y}\n", message: "Consul reserves meta keys starting with 'consul-'", at: "consul-x"),
        Case(name: "bad meta key", yaml: "services:\n  web:\n    host: 192.0.2.1\n    port: 80\n    consul:\n      meta: {a.b: y}\n", message: "a Consul meta key is 1 to 128 letters, digits, '_' or '-', found 'a.b'", at: "a.b"),
        Case(name: "address not http", yaml: "settings:\n  consul: {address: 'consul:8500'}\n", message: "the Consul address is an http:// or https:// URL", at: "'consul:8500'"),
        Case(name: "address with a path", yaml: "settings:\n  consul: {address: 'http://h:8500/v1/agent'}\n", message: "the agent's scheme, host and port only", at: "'http://h"),
        Case(name: "relative token file", yaml: "settings:\n  consul: {token-file: consul.token}\n", message: "token-file must be an absolute path", at: "consul.token"),
        Case(name: "ttl too short", yaml: "settings:\n  consul: {ttl: 1s}\n", message: "the check TTL must be from 3s to 1h, found 1s", at: "1s"),
        Case(name: "deregister under Consul's minimum", yaml: "settings:\n  consul: {deregister-after: 30s}\n", message: "deregister-after (Consul's minimum is 1m) must be from 1m", at: "30s"),
        Case(name: "empty tag", yaml: "settings:\n  consul: {tags: ['']}\n", message: "a Consul tag is 1 to 255 characters", at: "['']"),
        Case(name: "unknown consul key", yaml: "settings:\n  consul: {adress: 'http://h:8500'}\n", message: "did you mean 'address'", at: "adress"),
        Case(name: "default name", yaml: "defaults:\n  service:\n    consul: {name: all}\nservices: {}\n", message: "'name' names one service in Consul and cannot have a default", at: "all"),
    ]

    @Test(arguments: cases)
    func reports(_ row: Case) {
        let found = errors(row.yaml)
        let match = found.first { $0.description.contains(row.message) }
        #expect(match != nil, "wanted '\(row.message)', got \(found.map(\.description))")
        if let match { #expect(match.mark == ValidationTests.position(of: row.at, in: row.yaml), "\(match.description)") }
    }

    @Test func registerFalseFreesTheName() throws {
        let resolved = try config("services:\n  web_a: {host: 192.0.2.1, port: 80}\n  Web.A:\n    host: 192.0.2.2\n    port: 80\n    consul: {register: false}\n")
        #expect(resolved.services.count == 2)
    }

    @Test func defaultsServiceConsulIsInherited() throws {
        let resolved = try config("defaults:\n  service:\n    consul: {register: false}\nservices:\n  web: {host: 192.0.2.1, port: 80}\n")
        #expect(resolved[serviceID: "web"]?.consul.register == false)
    }
}
