/// Durations as operators write them: Go syntax (`500ms`, `1m30s`, `1.5h`) and GORB's forms
/// (`5s`, `5sec`, `5seconds`, `1min`, `1minutes`, `2hours`).
///
/// A bare number is refused ("60" is ambiguous between seconds and minutes) and so is a negative
/// one; the error says what to write instead.
public enum DurationText {
    /// Parses `text`; returns `nil` when it is not a duration.
    ///
    /// Every pulse of a big file has a duration or two: ASCII text, which is all of them in
    /// practice, is read byte by byte; anything else by characters, as written below.
    public static func parse(_ text: String) -> Duration? {
        var bytes = text
        switch bytes.withUTF8({ ASCIIReading.parse($0) }) {
        case .duration(let duration): return duration
        case .invalid: return nil
        case .notASCII: return parseCharacters(text)
        }
    }

    /// The definition of the syntax, over characters; ``ASCIIReading`` reads the same for ASCII.
    static func parseCharacters(_ text: String) -> Duration? {
        var rest = Substring(text.trimmingCharacters())
        guard !rest.isEmpty else { return nil }
        if rest.first == "+" { rest = rest.dropFirst() }
        if rest == "0" { return .zero }
        var total: Duration = .zero
        var sawComponent = false
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1, number != "." else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { $0.isLetter || $0 == "µ" }
            guard !unitText.isEmpty, let unit = unitNanoseconds[String(unitText).lowercased()] else { return nil }
            rest = rest.dropFirst(unitText.count)
            guard let nanos = nanoseconds(of: number, unit: unit) else { return nil }
            total += .nanoseconds(nanos)
            sawComponent = true
        }
        return sawComponent ? total : nil
    }

    /// The canonical Go-style spelling (`1m30s`, `500ms`, `0s`), used when printing a spec back.
    public static func format(_ duration: Duration) -> String {
        var nanos = duration.nanoseconds
        if nanos == 0 { return "0s" }
        var text = nanos < 0 ? "-" : ""
        nanos = abs(nanos)
        if nanos < 1_000_000_000 {
            if nanos % 1_000_000 == 0 { return text + "\(nanos / 1_000_000)ms" }
            if nanos % 1_000 == 0 { return text + "\(nanos / 1_000)us" }
            return text + "\(nanos)ns"
        }
        let hours = nanos / 3_600_000_000_000
        nanos %= 3_600_000_000_000
        let minutes = nanos / 60_000_000_000
        nanos %= 60_000_000_000
        if hours > 0 { text += "\(hours)h" }
        if minutes > 0 { text += "\(minutes)m" }
        if nanos > 0 {
            let seconds = nanos / 1_000_000_000
            let fraction = nanos % 1_000_000_000
            if fraction == 0 {
                text += "\(seconds)s"
            } else {
                var digits = String(fraction)
                digits = String(repeating: "0", count: 9 - digits.count) + digits
                while digits.last == "0" { digits.removeLast() }
                text += "\(seconds).\(digits)s"
            }
        }
        return text
    }

    static let unitNanoseconds: [String: Int64] = [
        "ns": 1, "us": 1_000, "µs": 1_000, "ms": 1_000_000,
        "s": 1_000_000_000, "sec": 1_000_000_000, "secs": 1_000_000_000, "second": 1_000_000_000,
        "seconds": 1_000_000_000,
        "m": 60_000_000_000, "min": 60_000_000_000, "mins": 60_000_000_000, "minute": 60_000_000_000,
        "minutes": 60_000_000_000,
        "h": 3_600_000_000_000, "hour": 3_600_000_000_000, "hours": 3_600_000_000_000,
    ]

    private static func nanoseconds(of number: Substring, unit: Int64) -> Int64? {
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard let whole = Int64(parts[0].isEmpty ? "0" : String(parts[0])) else { return nil }
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        var result = scaled
        if parts.count == 2, !parts[1].isEmpty {
            var scale = unit
            for digit in parts[1] {
                scale /= 10
                guard scale > 0, let value = digit.wholeNumberValue else { break }
                // "9223372036.9s": the fraction can carry the whole part past Int64: invalid.
                let (sum, overflow) = result.addingReportingOverflow(Int64(value) * scale)
                guard !overflow else { return nil }
                result = sum
            }
        }
        return result
    }
}

extension Duration {
    /// Whole nanoseconds (saturating); durations in a config are far below the 292-year limit.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? (seconds < 0 ? .min : .max) : scaled + attoseconds / 1_000_000_000
    }

    /// Whole seconds, rounded down: what the kernel's second-granularity timeouts take.
    public var wholeSeconds: Int64 { components.seconds }
}

extension String {
    func trimmingCharacters() -> String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view = view.dropFirst() }
        while let last = view.last, last == " " || last == "\t" { view = view.dropLast() }
        return String(view)
    }
}
