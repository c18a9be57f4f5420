import Addresses
import Foundation
import Spec
import Testing
import YAMLBridge

/// The shipped examples are part of the contract: they must stay valid, the JSON twin must mean
/// exactly what the YAML means, and each invalid example must produce its reviewed golden output.
@Suite struct ExamplesTests {
    private func load(_ relative: String) throws -> Config {
        try Config.load(path: repositoryRoot + "/" + relative)
    }

    @Test func yamlExampleIsValidAndUsesEveryFeature() throws {
        let config = try load("examples/gorb.yaml")
        #expect(config.services.map(\.id) == ["web", "tls", "dns", "api-v6", "marked", "signalling", "internal"])
        #expect(config.backendCount == 16)
        #expect(config.settings.interface == "eth0")
        #expect(config.settings.timeouts == KernelTimeouts(tcp: 900, tcpfin: 120, udp: 300))

        let web = try #require(config[serviceID: "web"])
        #expect(web.scheduler == .wlc)
        #expect(web.persistence == Persistence(timeout: 600, prefixLength: 24))
        #expect(web.quorum == 2)
        #expect(web[backendID: "web-sorry"]?.fallback == true)
        let web1 = try #require(web[backendID: "web-1"])
        #expect(web1.pulse.ramp == .seconds(30))
        #expect(web1.pulse.inhibit)
        // The service's pulse (http, 3s) over defaults.backend.pulse (timeout 2s, rise 2, fall 3).
        #expect(web1.pulse.interval == .seconds(3))
        #expect(web1.pulse.timeout == .seconds(2))
        #expect(web1.pulse.fall == 3)
        guard case .http(let http) = web1.pulse.probe else {
            Issue.record("web-1 should have an http probe, has \(web1.pulse.probe)")
            return
        }
        #expect(http.path == "/healthz")
        #expect(http.expect.contains(302) && !http.expect.contains(404))
        #expect(web1.drain == .seconds(120))
        #expect(try #require(web[backendID: "web-canary"]).weight == 0)
        #expect(try #require(web[backendID: "web-2"]).upperThreshold == 1000)

        let marked = try #require(config[serviceID: "marked"])
        #expect(marked.endpoint == .fwmark(17, family: .ipv4))
        #expect(marked.persistence?.engine == "sip")
        let gue = try #require(marked[backendID: "tun-2"])
        #expect(gue.forwarding == .tunnel(Tunnel(type: .gue, port: 6080, checksum: .checksum)))
        #expect(gue.address.family == .ipv6)

        #expect(try #require(config[serviceID: "tls"]).flags == [.shFallback, .shPort])
        #expect(try #require(config[serviceID: "api-v6"]).flags == [.mhFallback, .mhPort])
        #expect(try #require(config[serviceID: "dns"]).onePacket)
        #expect(try #require(config[serviceID: "internal"]).endpoint == .address(host: .interface("eth0"), port: 9000, protocol: .tcp))
        #expect(try #require(config[serviceID: "signalling"]).endpoint.description == "sctp 192.0.2.30:3868")
    }

    @Test func jsonExampleMeansTheSameAsYAML() throws {
        #expect(try load("examples/gorb.json") == load("examples/gorb.yaml"))
    }

    static let invalidExamples: [String] = {
        let directory = repositoryRoot + "/examples/invalid"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.sorted()
    }()

    @Test func thereAreInvalidExamples() {
        #expect(Self.invalidExamples.count >= 10)
    }

    /// The golden files hold the CLI's output: the diagnostics, then a count line.
    @Test(arguments: invalidExamples)
    func invalidExampleMatchesGolden(name: String) throws {
        let relative = "examples/invalid/" + name
        let bytes = Array(try #require(FileManager.default.contents(atPath: repositoryRoot + "/" + relative)))
        let golden = try String(contentsOfFile: repositoryRoot + "/examples/invalid/" + name.split(separator: ".")[0] + ".expected", encoding: .utf8)
        do {
            _ = try Config.parse(bytes: bytes, file: relative)
            Issue.record("\(name) should be invalid")
        } catch {
            let lines = error.items.map(\.description)
            let expected = golden.split(separator: "\n").dropLast().map(String.init)
            #expect(lines == expected)
            #expect(golden.split(separator: "\n").last == "\(lines.count) error\(lines.count == 1 ? "" : "s") in \(relative)")
        }
    }
}
