/// Scalar conversions. Numbers may be written quoted (`"8080"`), because GORB's users and JSON
/// tools do that; booleans are `true`/`false` only (never YAML 1.1's `yes`/`no`/`on`, which turn
/// a country code or a word into a boolean by surprise).
///
/// Every ``NodeReadable`` type reads its scalars through these, so a value is accepted, and
/// refused with the same words, wherever it is written.
extension Node {
    /// The text of a scalar that is not null: what a string field accepts. `nil` for a null, a
    /// list or a mapping.
    public var string: String? {
        guard case .scalar(let scalar) = kind, !isNull else { return nil }
        return scalar.value
    }

    /// The texts of a list of strings (each a scalar that is not null), as a `[String]` field
    /// reads them; `nil` for anything else, so types that take a list or a string can try the
    /// list without paying for an error.
    public var strings: [String]? {
        guard case .sequence(let items) = kind else { return nil }
        var texts: [String] = []
        texts.reserveCapacity(items.count)
        for item in items {
            guard let text = item.string else { return nil }
            texts.append(text)
        }
        return texts
    }

    private func text(expected: String) throws(ReadFailure) -> String {
        guard let text = string else { throw ReadFailure(self, expected: expected) }
        return text
    }

    func readString() throws(ReadFailure) -> String {
        try text(expected: "a string")
    }

    func readBool() throws(ReadFailure) -> Bool {
        switch try text(expected: "true or false") {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw ReadFailure(self, expected: "true or false")
        }
    }

    func readInteger<T: FixedWidthInteger>(_ type: T.Type) throws(ReadFailure) -> T {
        // The range is worth printing only for a number that does not fit; for anything else the
        // kind is the news ("expected an integer, found a list").
        let text = try text(expected: "an integer")
        if let value = Self.parseDigits(text, as: T.self) { return value }
        let raw = text.trimmingSpaces()
        if let value = Self.parseInteger(raw, as: T.self) { return value }
        if Self.looksLikeInteger(raw) {
            throw ReadFailure(self, expected: "an integer from \(T.min) to \(T.max)")
        }
        throw ReadFailure(self, expected: "an integer")
    }

    /// The common case, read straight from the UTF-8 bytes: up to 18 ASCII digits and nothing else.
    /// `nil` sends anything else (signs, hex, spaces, out of range) to the general path.
    static func parseDigits<T: FixedWidthInteger>(_ text: String, as type: T.Type) -> T? {
        var value: Int64 = 0
        var count = 0
        for byte in text.utf8 {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10, count < 18 else { return nil }
            value = value &* 10 &+ Int64(digit)
            count += 1
        }
        return count > 0 ? T(exactly: value) : nil
    }

    /// An optional sign and ASCII digits (or `0x` and hex digits), of any length.
    static func looksLikeInteger(_ raw: String) -> Bool {
        var digits = Substring(raw)
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            digits = digits.dropFirst(2)
            return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isHexDigit }
        }
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    func readFloat<T: BinaryFloatingPoint & LosslessStringConvertible>(_ type: T.Type) throws(ReadFailure) -> T {
        let raw = try text(expected: "a number").trimmingSpaces()
        switch raw {
        case ".inf", ".Inf", ".INF", "+.inf": return T.infinity
        case "-.inf", "-.Inf", "-.INF": return -T.infinity
        case ".nan", ".NaN", ".NAN": return T.nan
        default: break
        }
        guard !raw.isEmpty, raw.allSatisfy({ "0123456789+-.eE".contains($0) }), let value = T(raw) else {
            throw ReadFailure(self, expected: "a number")
        }
        // `Double("1e400")` is infinity: a number too big must not silently become one.
        guard value.isFinite else { throw ReadFailure(self, expected: "a number within the range of \(T.self)") }
        return value
    }

    /// Decimal with an optional sign, or `0x` hexadecimal; nothing else (no octal surprises).
    static func parseInteger<T: FixedWidthInteger>(_ raw: String, as type: T.Type) -> T? {
        var digits = Substring(raw)
        var negative = false
        if digits.first == "+" || digits.first == "-" {
            negative = digits.first == "-"
            digits = digits.dropFirst()
        }
        var radix = 10
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            radix = 16
            digits = digits.dropFirst(2)
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isHexDigit }) else { return nil }
        return T(negative ? "-" + digits : String(digits), radix: radix)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var view = Substring(self)
        while view.first == " " || view.first == "\t" { view = view.dropFirst() }
        while view.last == " " || view.last == "\t" { view = view.dropLast() }
        return String(view)
    }
}
