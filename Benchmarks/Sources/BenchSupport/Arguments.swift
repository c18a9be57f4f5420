/// The command line both benchmarks take: `[--repetitions N] [--services N] [--backends N] [--only STAGE] [FILE]`.
/// With FILE, `yaml-bench` writes the generated file there (and `yams-bench` reads it); without,
/// both generate it in memory.
public struct Arguments: Sendable {
    public var repetitions = 15
    public var services = 1_000
    public var backends = 10
    public var file: String?
    /// `--only STAGE` (scan, tree, decode, ours): run just that stage, for a profiler.
    public var only: String?

    public init(_ arguments: [String]) {
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            switch argument {
            case "--repetitions", "-n": repetitions = rest.popFirst().flatMap(Int.init) ?? repetitions
            case "--services": services = rest.popFirst().flatMap(Int.init) ?? services
            case "--backends": backends = rest.popFirst().flatMap(Int.init) ?? backends
            case "--only": only = rest.popFirst()
            default: file = argument
            }
        }
    }
}
