public import IPVS

/// One scenario: a name and a script of steps, starting from an empty table with default
/// timeouts. ``all`` holds the scenarios; ``run(against:witness:)`` plays one. Its description
/// (the name) is what test reports show for it.
public struct ConformanceCase: Sendable, CustomStringConvertible {
    public let name: String
    let script: @Sendable (ConformanceHarness) throws -> Void

    init(name: String, script: @escaping @Sendable (ConformanceHarness) throws -> Void) {
        self.name = name
        self.script = script
    }

    public var description: String { name }

    /// Plays the scenario against `ipvs` and returns every check that did not hold; an error
    /// thrown by a step ends the scenario and is the last failure.
    public func run(against ipvs: any IPVS, witness: (([String]) throws -> String)?) -> [ConformanceFailure] {
        let harness = ConformanceHarness(ipvs: ipvs, witness: witness)
        do {
            try script(harness)
        } catch {
            harness.check(false, "\(name): threw \(error)")
        }
        return harness.failures
    }
}
