import Foundation
import Spec
import Testing
import YAMLBridge

/// `settings.bgp`: defaults, and each rule's message at the value's own line and column.
@Suite struct BGPSettingsTests {
    @Test func absentMeansNothingAnnounced() throws {
        #expect(try config("services: {}\n").settings.bgp == nil)
    }

    @Test func emptySectionTakesTheDefaults() throws {
        let bgp = try #require(try config("settings:\n  bgp: {}\nservices: {}\n").settings.bgp)
        #expect(bgp == BGPSettings(birdSocket: "/run/bird/bird.ctl", routesFile: "/etc/bird/gorb/vips.conf", withdrawGrace: .seconds(5), holdDown: .seconds(10)))
        #expect(bgp.routesFileIPv6 == "/etc/bird/gorb/vips-ipv6.conf")
    }

    @Test func writtenValues() throws {
        let yaml = """
            settings:
              bgp:
                bird-socket: /run/bird/lb.ctl
                routes-file: /run/gorb/vips.conf
                withdraw-grace: 2s
                hold-down: 0s
            services: {}
            """
        #expect(try config(yaml).settings.bgp == BGPSettings(birdSocket: "/run/bird/lb.ctl", routesFile: "/run/gorb/vips.conf", routesFileIPv6: "/run/gorb/vips-ipv6.conf", withdrawGrace: .seconds(2), holdDown: .zero))
        #expect(try config(yaml.replacingOccurrences(of: "hold-down: 0s", with: "routes-file-ipv6: /run/gorb/v6")).settings.bgp?.routesFileIPv6 == "/run/gorb/v6")
    }

    static let rows: [(yaml: String, message: String, line: Int, column: Int)] = [
        ("settings:\n  bgp:\n    routes-file: vips.conf\nservices: {}\n", "routes-file must be an absolute path, found 'vips.conf'", 3, 18),
        ("settings:\n  bgp:\n    bird-socket: /run/bird/\nservices: {}\n", "bird-socket must name a file, not a directory", 3, 18),
        ("settings:\n  bgp:\n    withdraw-grace: 10m\nservices: {}\n", "withdraw-grace must be from 0s to 5m, found 10m", 3, 21),
        ("settings:\n  bgp:\n    hold-down: 2h\nservices: {}\n", "hold-down must be from 0s to 1h, found 2h", 3, 16),
        ("settings:\n  bgp:\n    hold-down: 5\nservices: {}\n", "expected a duration like 5s", 3, 16),
        ("settings:\n  bgp:\n    routes-file: /a\n    routes-file-ipv6: /a\nservices: {}\n", "routes-file-ipv6 must differ from routes-file", 4, 23),
        ("settings:\n  bgp:\n    bird_socket: /x\nservices: {}\n", "unknown key 'bird_socket' (did you mean 'bird-socket'?)", 3, 5),
    ]

    @Test(arguments: rows)
    func reports(_ row: (yaml: String, message: String, line: Int, column: Int)) {
        let found = errors(row.yaml)
        let match = found.first { $0.message.contains(row.message) }
        #expect(match != nil, "expected \"\(row.message)\"; got \(found.map(\.description))")
        #expect(match?.mark == Mark(line: row.line, column: row.column))
    }
}
