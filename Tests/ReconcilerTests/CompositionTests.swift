import Checks
import Reconciler
import Spec
import Testing

/// `effective = (file ⊕ overlay) × health`, as one pure function of values.
@Suite struct CompositionTests {
    static func config(quorum: Int = 1, initialDown: Bool = false) throws -> Config {
        let initial = initialDown ? ", pulse: {initial: down}" : ""
        let yaml = """
            services:
              web:
                host: 192.0.2.10
                port: 80
                quorum: \(quorum)
                backends:
                  a: {host: 10.0.0.1, weight: 100}
                  b: {host: 10.0.0.2, weight: 50\(initial)}
                  sorry: {host: 10.0.0.9, weight: 7, fallback: true}

            """
        return try ValidatedFile.parse(bytes: Array(yaml.utf8), file: "gorb.yaml").config
    }

    static func verdict(_ status: HealthStatus, _ factor: HealthFactor) -> HealthVerdict {
        HealthVerdict(status: status, factor: factor, countsAsHealthy: status != .down, type: "tcp")
    }

    func weights(_ composition: Composition) -> [String: Int32] {
        Dictionary(uniqueKeysWithValues: composition.effective.services[0].backends.map { ($0.id, $0.weight) })
    }

    @Test func healthScalesTheDesiredWeight() throws {
        let health = HealthVerdicts([
            BackendKey(service: "web", backend: "a"): Self.verdict(.up, .ramp(step: 3)),
            BackendKey(service: "web", backend: "b"): Self.verdict(.unknown, .ceiling(20)),
        ])
        let composition = Composition(try Self.config(), health: health)
        #expect(weights(composition) == ["a": 30, "b": 20, "sorry": 0])
        let standing = composition.standings["web"]
        #expect(standing?.healthy == 2 && standing?.total == 2 && standing?.quorum == 1 && standing?.up == true)
    }

    @Test func theFallbackTakesOverBelowQuorum() throws {
        let health = HealthVerdicts([
            BackendKey(service: "web", backend: "a"): Self.verdict(.down, .out),
            BackendKey(service: "web", backend: "b"): Self.verdict(.up, .full),
        ])
        let composition = Composition(try Self.config(quorum: 2), health: health)
        #expect(weights(composition) == ["a": 0, "b": 50, "sorry": 7])
        #expect(composition.standings["web"]?.up == false)
    }

    @Test func aBackendNotCheckedYetStartsAsTheChecksWill() throws {
        // No verdicts at all: `initial: down` keeps b out and out of the quorum, a counts.
        let composition = Composition(try Self.config(quorum: 2, initialDown: true), health: HealthVerdicts())
        #expect(weights(composition) == ["a": 100, "b": 0, "sorry": 7])
        #expect(composition.standings["web"]?.healthy == 1)
    }

    @Test func withoutChecksTheDesiredConfigIsInForce() throws {
        let config = try Self.config()
        #expect(Composition(unchecked: config).effective == config)
    }

    @Test func recomposingAChangedConfigEqualsComposingItWhole() throws {
        let health = HealthVerdicts([
            BackendKey(service: "web", backend: "a"): Self.verdict(.down, .out),
            BackendKey(service: "web", backend: "b"): Self.verdict(.up, .ramp(step: 5)),
        ])
        var before = try Self.config(quorum: 2)
        var other = before.services[0]
        other.id = "api"
        before.services.append(other)
        let previous = Composition(before, health: health)
        var after = before
        after.services[0].backends[1].weight = 80  // web changes, api does not
        after.services.append(other)
        after.services[2].id = "new"
        let recomposed = Composition(after, health: health, previous: previous, previousDesired: before)
        let whole = Composition(after, health: health)
        #expect(recomposed.effective == whole.effective)
        #expect(recomposed.standings == whole.standings)
        #expect(recomposed.effective.services[0][backendID: "b"]?.weight == 40)
        // Services that left take their standings with them.
        var fewer = after
        fewer.services.removeLast(2)
        let shrunk = Composition(fewer, health: health, previous: recomposed, previousDesired: after)
        #expect(shrunk.standings.keys.sorted() == ["web"])
        #expect(shrunk.effective == Composition(fewer, health: health).effective)
    }
}
