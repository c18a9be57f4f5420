import Foundation
import Spec
import Testing
import YAMLBridge

/// The overlay: PATCH semantics, supersession, overrides whose object left the file, and
/// validation of the merged state by the file's rules.
@Suite struct OverlayTests {
    static let file = """
        defaults:
          backend: {weight: 50}
        services:
          web:
            host: 192.0.2.10
            port: 80
            pulse: {type: http, interval: 5s, args: {path: /health}}
            backends:
              a: {host: 10.0.0.1, port: 8080}
              b: {host: 10.0.0.2, port: 8080, weight: 70}
        """

    func validated(_ text: String = Self.file) throws -> ValidatedFile {
        try ValidatedFile.parse(bytes: Array(text.utf8), file: "gorb.yaml")
    }

    func patch(_ backend: String, _ options: BackendOptions, expires: Double? = nil) -> Override {
        Override(service: "web", backend: backend, action: .patch, backendOptions: options, created: 0, expires: expires)
    }

    @Test func patchChangesOnlyTheFieldsItCarries() throws {
        let file = try validated()
        let (config, problems) = file.applying(Overlay([patch("b", BackendOptions(weight: 0))]))
        #expect(problems.isEmpty)
        let b = try #require(config[serviceID: "web"]?[backendID: "b"])
        #expect(b.weight == 0)
        #expect(b.port == 8080)
        #expect(b.pulse.interval == .seconds(5))
        // An empty patch is not "weight 0" (GORB's bug): nothing changes.
        let (unchanged, _) = file.applying(Overlay([patch("b", BackendOptions())]))
        #expect(unchanged == file.config)
    }

    @Test func nestedPatchKeepsSiblingFields() throws {
        var pulse = PulseOptions()
        pulse.timeout = DurationValue(.seconds(2))
        let (config, _) = try validated().applying(Overlay([patch("a", BackendOptions(pulse: pulse))]))
        let a = try #require(config[serviceID: "web"]?[backendID: "a"])
        #expect(a.pulse.timeout == .seconds(2))
        #expect(a.pulse.interval == .seconds(5))  // inherited from the service's pulse, kept
        if case .http(let http) = a.pulse.probe { #expect(http.path == "/health") } else { Issue.record("probe type changed: \(a.pulse.probe)") }
    }

    /// The overlay touches only the services it names; the others keep their place, a service
    /// deleted and put again goes last, one added and then patched is found again, and a
    /// change to one service is resolved again while the rest are reused.
    @Test func servicesKeepTheirOrderAndOnlyTheNamedOnesChange() throws {
        let file = try validated(Self.file + """

              api:
                host: 192.0.2.11
                port: 80
                backends:
                  x: {host: 10.0.1.1}
              db:
                host: 192.0.2.12
                port: 5432
                backends:
                  y: {host: 10.0.2.1}
            """)
        var web = try #require(file.written.services?["web"])
        web.port = 81
        let cache = ServiceOptions(host: "192.0.2.13", port: 80)
        let overlay = Overlay([
            Override(service: "web", action: .delete, created: 0),
            Override(service: "cache", action: .put, serviceOptions: cache, created: 1),
            Override(service: "cache", action: .patch, serviceOptions: ServiceOptions(port: 8080), created: 2),
            Override(service: "web", action: .put, serviceOptions: web, created: 3),
        ])
        let (merged, problems) = overlay.applied(to: file.written)
        #expect(problems.isEmpty)
        #expect(merged.services?.ids == ["api", "db", "cache", "web"])
        #expect(merged.services?["cache"]?.port == 8080)
        let resolution = try file.resolve(overlay)
        #expect(resolution.config.services.map(\.id) == ["api", "db", "cache", "web"])
        if case .address(_, let port, _)? = resolution.config[serviceID: "web"]?.endpoint { #expect(port == 81) } else { Issue.record("web: \(String(describing: resolution.config[serviceID: "web"]))") }
        // Reusing that resolution for one more change: the result is the same as from scratch.
        let more = Overlay(overlay.overrides + [Override(service: "db", backend: "y", action: .patch, backendOptions: BackendOptions(weight: 3), created: 4)])
        #expect(try file.resolve(more, reusing: resolution).config == file.resolve(more).config)
        #expect(try file.resolve(more, reusing: resolution).config[serviceID: "db"]?[backendID: "y"]?.weight == 3)
    }

    @Test func addedBackendInheritsDefaults() throws {
        let put = Override(service: "web", backend: "c", action: .put, backendOptions: BackendOptions(host: "10.0.0.3"), created: 0)
        let (config, problems) = try validated().applying(Overlay([put]))
        #expect(problems.isEmpty)
        let c = try #require(config[serviceID: "web"]?[backendID: "c"])
        #expect(c.weight == 50)  // defaults.backend
        #expect(c.port == 80)  // the service's port
    }

    @Test func laterChangeSupersedesEarlierOnes() {
        var overlay = Overlay()
        for weight in 1...1000 { overlay.record(patch("a", BackendOptions(weight: Int64(weight)))) }
        #expect(overlay.overrides.count == 1)
        #expect(overlay.overrides.first?.backendOptions?.weight == 1000)
        // A patch of another field does not supersede the weight.
        overlay.record(patch("a", BackendOptions(port: 9090)))
        #expect(overlay.overrides.count == 2)
        // A permanent change does not drop a temporary one's... the other way round: a temporary
        // change must not drop a permanent one, which comes back when it expires.
        overlay.record(patch("a", BackendOptions(port: 1, weight: 0), expires: 100))
        #expect(overlay.overrides.count == 3)
        // Deleting the backend supersedes everything on it that does not outlive the delete.
        overlay.record(Override(service: "web", backend: "a", action: .delete, created: 0))
        #expect(overlay.overrides.map(\.action) == [.delete])
    }

    @Test func expiryBringsTheFileValueBack() throws {
        let file = try validated()
        var overlay = Overlay([patch("b", BackendOptions(weight: 0), expires: 1800)])
        #expect(overlay.nextExpiry == 1800)
        #expect(file.applying(overlay).config[serviceID: "web"]?[backendID: "b"]?.weight == 0)
        #expect(overlay.expire(now: 1799).isEmpty)
        #expect(overlay.expire(now: 1800).count == 1)
        #expect(file.applying(overlay).config[serviceID: "web"]?[backendID: "b"]?.weight == 70)
    }

    @Test func overrideWhoseObjectLeftTheFileIsReportedNotDropped() throws {
        let overlay = Overlay([patch("b", BackendOptions(weight: 0)), patch("a", BackendOptions(weight: 5))])
        let smaller = try validated(Self.file.replacingOccurrences(of: "\n      b: {host: 10.0.0.2, port: 8080, weight: 70}", with: ""))
        let (config, problems) = smaller.applying(overlay)
        #expect(problems.map(\.override.backend) == ["b"])
        #expect(problems.first?.message.contains("not in the file any more") == true)
        #expect(config[serviceID: "web"]?[backendID: "a"]?.weight == 5)  // the other still applies
        #expect(overlay.overrides.count == 2)  // nothing removed from the overlay itself
    }

    @Test func overrideThatClashesWithAReloadedFileIsLeftOut() throws {
        // The API added "api" on 192.0.2.20:80; then the file gained a service on the same VIP.
        let put = Override(service: "api", action: .put, serviceOptions: ServiceOptions(host: "192.0.2.20", port: 80), created: 0)
        let clashing = try validated(Self.file + "\n  other: {host: 192.0.2.20, port: 80}\n")
        let (config, problems) = clashing.applying(Overlay([put, patch("a", BackendOptions(weight: 5))]))
        #expect(problems.map(\.override.service) == ["api"])
        #expect(problems.first?.message.contains("same kernel identity") == true)
        #expect(config[serviceID: "api"] == nil)
        #expect(config[serviceID: "other"] != nil)
        #expect(config[serviceID: "web"]?[backendID: "a"]?.weight == 5)
    }

    @Test func invalidChangeIsRefusedWithItsPath() throws {
        let file = try validated()
        let bad = Overlay([patch("a", BackendOptions(weight: -1))])
        #expect(throws: ConfigErrors.self) { try file.resolve(bad) }
        do {
            _ = try file.resolve(bad)
        } catch {
            #expect(error.items.map(\.pathDescription) == ["services.web.backends.a.weight"])
        }
    }

    @Test func overrideRoundTripsThroughJSON() throws {
        let original = Override(service: "web", backend: "a", action: .patch, backendOptions: BackendOptions(weight: 7, pulse: PulseOptions(type: "tcp")), created: 12.5, expires: 99)
        let text = #"{"service": "web", "backend": "a", "action": "patch", "options": {"weight": 7, "pulse": {"type": "tcp"}}, "created": 12.5, "expires": 99}"#
        let node = try #require(try YAMLParser.parse(text))
        let (read, problems) = Override.read(from: node)
        #expect(problems.isEmpty)
        #expect(read == original)
    }

    /// The file's services, and those of the previous resolution, are reused, not resolved again,
    /// when an overlay leaves them as written: the result (and every error) must be what resolving
    /// everything gives.
    @Test(arguments: [
        ("a weight", [Override(service: "web", backend: "b", action: .patch, backendOptions: BackendOptions(weight: 3), created: 0)]),
        ("a scheduler", [Override(service: "api", action: .patch, serviceOptions: ServiceOptions(method: "sh"), created: 0)]),
        ("a new service", [Override(service: "new", action: .put, serviceOptions: ServiceOptions(host: "192.0.2.30", port: 80), created: 0)]),
        ("a deleted service", [Override(service: "web", action: .delete, created: 0)]),
        ("a clash with the file", [Override(service: "new", action: .put, serviceOptions: ServiceOptions(host: "192.0.2.11", port: 443), created: 0)]),
        ("an invalid patch", [Override(service: "api", backend: "x", action: .patch, backendOptions: BackendOptions(weight: -1), created: 0)]),
        ("a duplicate backend", [Override(service: "api", backend: "y", action: .put, backendOptions: BackendOptions(host: "10.0.1.1", port: 8443), created: 0)]),
    ])
    func reusingTheFilesServicesChangesNothing(_ label: String, _ overrides: [Override]) throws {
        let file = try validated(Self.file + """

              api:
                host: 192.0.2.11
                port: 443
                backends:
                  x: {host: 10.0.1.1, port: 8443}
            """)
        // An earlier change, whose resolution the next one may reuse as the daemon does.
        let earlier = Override(service: "web", backend: "a", action: .patch, backendOptions: BackendOptions(weight: 9), created: 0)
        let previous = try file.resolve(Overlay([earlier]))
        for (overlay, previous) in [(Overlay(overrides), nil), (Overlay([earlier] + overrides), previous)] {
            let everything = Result { () throws(Diagnostics) in try overlay.applied(to: file.written).file.resolve() }.mapError(ConfigErrors.init)
            let reused = Result { () throws(ConfigErrors) in try file.resolve(overlay, reusing: previous).config }
            compare(label, everything, reused, file.config)
            #expect(file.applying(overlay).config == (try? everything.get()) ?? file.applying(Overlay(Array(overlay.overrides.prefix(1)))).config, "\(label)")
        }
    }

    /// A resolution made from another file (other `defaults`) is not reused.
    @Test func aResolutionOfAnotherFileIsNotReused() throws {
        let other = try validated(Self.file.replacingOccurrences(of: "weight: 50", with: "weight: 40"))
        let file = try validated()
        let stale = try other.resolve(Overlay([Override(service: "web", backend: "b", action: .patch, backendOptions: BackendOptions(port: 8081), created: 0)]))
        let resolved = try file.resolve(Overlay([Override(service: "other", action: .put, serviceOptions: ServiceOptions(host: "192.0.2.99", port: 80), created: 0)]), reusing: stale)
        #expect(resolved.config[serviceID: "web"]?[backendID: "a"]?.weight == 50)
        #expect(resolved.config[serviceID: "web"]?[backendID: "b"]?.port == 8080)
    }

    func compare(_ label: String, _ everything: Result<Config, ConfigErrors>, _ reused: Result<Config, ConfigErrors>, _ original: Config) {
        switch (everything, reused) {
        case (.success(let expected), .success(let actual)):
            #expect(actual == expected, "\(label)")
            #expect(actual != original, "\(label): the overlay changed nothing")
        case (.failure(let expected), .failure(let actual)):
            #expect(actual.items.map(\.description) == expected.items.map(\.description), "\(label)")
            #expect(!actual.items.isEmpty)
        default:
            Issue.record("\(label): a full resolve gave \(everything), the one reusing resolved services \(reused)")
        }
    }
}
