import Spec
import Testing
import YAMLBridge

/// `settings.store.etcd`: what is accepted, and every mistake reported at its position.
@Suite struct StoreSettingsTests {
    static let services = "services:\n  web: {host: 192.0.2.10, port: 80}\n"

    static func file(_ etcd: String) -> String {
        "settings:\n  store:\n    etcd:\n" + etcd + services
    }

    @Test func withoutStoreTheOverlayStaysLocal() throws {
        #expect(try config(Self.services).settings.store == nil)
    }

    @Test func endpointsAndDefaultPrefix() throws {
        let store = try #require(try config(Self.file("      endpoints: [http://10.0.0.1:2379, 'https://[2001:db8::1]:2379/']\n")).settings.store)
        #expect(store.endpoints.map(\.description) == ["http://10.0.0.1:2379", "https://[2001:db8::1]:2379"])
        #expect(store.endpoints.map(\.secure) == [false, true])
        #expect(store.prefix == "/gorb/")
    }

    @Test func tlsAndUser() throws {
        let store = try #require(try config(Self.file("""
                  endpoints: [https://etcd-1.example:2379]
                  prefix: /lb/prod/
                  ca-file: /etc/gorb/etcd-ca.pem
                  cert-file: /etc/gorb/etcd.pem
                  key-file: /etc/gorb/etcd-key.pem
                  username: gorb
                  password-file: /etc/gorb/etcd-password

            """)).settings.store)
        #expect(store.prefix == "/lb/prod/")
        #expect(store.caFile == "/etc/gorb/etcd-ca.pem")
        #expect(store.keyFile == "/etc/gorb/etcd-key.pem")
        #expect(store.username == "gorb")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var etcd: String
        var message: String
        var at: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no endpoints", etcd: "      prefix: /gorb/\n", message: "etcd needs 'endpoints'", at: "prefix"),
        Case(name: "empty endpoints", etcd: "      endpoints: []\n", message: "'endpoints' lists no URL", at: "[]"),
        Case(name: "no scheme", etcd: "      endpoints: [http://a:2379, 10.0.0.1:2379]\n", message: "'10.0.0.1:2379' is not an etcd client URL", at: "10.0.0.1:2379"),
        Case(name: "no port", etcd: "      endpoints: [http://10.0.0.1]\n", message: "is not an etcd client URL", at: "http://10.0.0.1"),
        Case(name: "a path", etcd: "      endpoints: [http://10.0.0.1:2379/v3]\n", message: "is not an etcd client URL", at: "http://10.0.0.1"),
        Case(name: "twice", etcd: "      endpoints: [http://a:2379, http://a:2379]\n", message: "endpoint 'http://a:2379' is listed twice", at: "http://a:2379]"),
        Case(name: "prefix without slash", etcd: "      endpoints: [http://a:2379]\n      prefix: gorb\n", message: "prefix must start and end with '/'", at: "gorb"),
        Case(name: "relative file", etcd: "      endpoints: [https://a:2379]\n      ca-file: ca.pem\n", message: "ca-file must be an absolute path", at: "ca.pem"),
        Case(name: "cert without key", etcd: "      endpoints: [https://a:2379]\n      cert-file: /c.pem\n", message: "'cert-file' needs 'key-file'", at: "/c.pem"),
        Case(name: "TLS over http", etcd: "      endpoints: [http://a:2379]\n      ca-file: /ca.pem\n", message: "TLS files apply to https:// endpoints", at: "/ca.pem"),
        Case(name: "user without password", etcd: "      endpoints: [http://a:2379]\n      username: gorb\n", message: "'username' needs 'password-file'", at: "gorb"),
        Case(name: "misspelt key", etcd: "      endpoint: [http://a:2379]\n", message: "did you mean 'endpoints'", at: "endpoint:"),
    ]

    @Test(arguments: cases)
    func reports(_ row: Case) {
        let yaml = Self.file(row.etcd)
        let found = errors(yaml)
        let match = found.first { $0.message.contains(row.message) }
        #expect(match != nil, "expected an error containing \"\(row.message)\"; got:\n\(found.map(\.description).joined(separator: "\n"))")
        if let match {
            #expect(match.mark == ValidationTests.position(of: row.at, in: yaml), "\(match.description)")
        }
    }

    @Test func storeWithoutEtcd() {
        let found = errors("settings:\n  store: {}\n" + Self.services)
        #expect(found.contains { $0.message.contains("'store' needs 'etcd'") })
    }
}
