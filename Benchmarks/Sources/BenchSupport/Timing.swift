/// Runs `body` `repetitions` times (after one warm-up run) and returns each run's duration.
public func measure(repetitions: Int, _ body: () throws -> Void) rethrows -> [Duration] {
    let clock = ContinuousClock()
    try body()
    var times: [Duration] = []
    times.reserveCapacity(repetitions)
    for _ in 0..<repetitions {
        times.append(try clock.measure(body))
    }
    return times
}

/// The figures one measurement prints.
public struct Figures: Sendable {
    public var median: Double
    public var min: Double

    /// Median and minimum of `times`, in milliseconds.
    public init(_ times: [Duration]) {
        let milliseconds = times.map { Double($0.components.seconds) * 1e3 + Double($0.components.attoseconds) * 1e-15 }.sorted()
        median = milliseconds.isEmpty ? 0 : milliseconds[milliseconds.count / 2]
        min = milliseconds.first ?? 0
    }

    /// A human line and a machine line (`RESULT <key> <median> <min>`, read by scripts/bench-yaml).
    public func report(key: String, label: String) -> String {
        let padded = label + String(repeating: " ", count: Swift.max(0, 44 - label.count))
        return "\(padded) median \(format(median)) ms   min \(format(min)) ms\nRESULT \(key) \(format(median)) \(format(min))"
    }
}

/// `12.345` with three decimals, without Foundation.
public func format(_ value: Double) -> String {
    let scaled = (value * 1000).rounded()
    let whole = Int(scaled) / 1000
    let fraction = abs(Int(scaled) % 1000)
    let digits = String(fraction)
    return "\(whole).\(String(repeating: "0", count: 3 - digits.count))\(digits)"
}
