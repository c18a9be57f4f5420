extension DurationText {
    /// ``DurationText/parseCharacters(_:)`` for ASCII text, over its bytes: the same syntax and
    /// the same arithmetic, without a `Character`, a `Substring` or a dictionary lookup per
    /// component (tens of times faster, and durations are in every pulse of a file).
    enum ASCIIReading {
        enum Outcome {
            case duration(Duration)
            case invalid
            /// The text has a byte above 127: read it by characters instead.
            case notASCII
        }

        static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
            var end = bytes.count
            for byte in bytes where byte >= 0x80 { return .notASCII }
            var index = 0
            while index < end, isBlank(bytes[index]) { index += 1 }
            while end > index, isBlank(bytes[end - 1]) { end -= 1 }
            guard index < end else { return .invalid }
            if bytes[index] == UInt8(ascii: "+") { index += 1 }
            if end - index == 1, bytes[index] == UInt8(ascii: "0") { return .duration(.zero) }
            var total: Duration = .zero
            var sawComponent = false
            while index < end {
                let numberStart = index
                var dot: Int?
                while index < end, isDigit(bytes[index]) || bytes[index] == UInt8(ascii: ".") {
                    if bytes[index] == UInt8(ascii: ".") {
                        guard dot == nil else { return .invalid }
                        dot = index
                    }
                    index += 1
                }
                guard index > numberStart, !(index - numberStart == 1 && dot != nil) else { return .invalid }
                let numberEnd = index
                while index < end, isLetter(bytes[index]) { index += 1 }
                guard index > numberEnd, let unit = unitNanoseconds(bytes[numberEnd..<index]) else { return .invalid }
                let wholeEnd = dot ?? numberEnd
                guard let nanos = nanoseconds(whole: bytes[numberStart..<wholeEnd], fraction: dot.map { bytes[($0 + 1)..<numberEnd] }, unit: unit) else {
                    return .invalid
                }
                total += .nanoseconds(nanos)
                sawComponent = true
            }
            return sawComponent ? .duration(total) : .invalid
        }

        /// An empty slice (where there is no fraction).
        private static func bytesAfterEnd(of slice: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
            slice[slice.endIndex...]
        }

        private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
        private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- UInt8(ascii: "a") < 26 }

        /// The units, each spelled in lower case as up to eight bytes packed into an integer.
        private static let units: [(spelling: UInt64, nanoseconds: Int64)] = DurationText.unitNanoseconds.compactMap { unit in
            unit.key.utf8.count <= 8 && unit.key.utf8.allSatisfy { $0 < 0x80 } ? (packed(unit.key.utf8), unit.value) : nil
        }

        private static func packed(_ letters: some Collection<UInt8>) -> UInt64 {
            letters.reduce(0) { $0 << 8 | UInt64($1 | 0x20) }
        }

        private static func unitNanoseconds(_ letters: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
            guard letters.count <= 8 else { return nil }
            let spelling = packed(letters)
            for unit in units where unit.spelling == spelling { return unit.nanoseconds }
            return nil
        }

        /// As ``DurationText``'s `nanoseconds(of:unit:)`: the whole part must fit, the fraction
        /// is cut at the unit's precision.
        private static func nanoseconds(whole: Slice<UnsafeBufferPointer<UInt8>>, fraction: Slice<UnsafeBufferPointer<UInt8>>?, unit: Int64) -> Int64? {
            var value: Int64 = 0
            for digit in whole {
                let (scaled, overflow) = value.multipliedReportingOverflow(by: 10)
                let (sum, carry) = scaled.addingReportingOverflow(Int64(digit &- UInt8(ascii: "0")))
                guard !overflow, !carry else { return nil }
                value = sum
            }
            let (scaled, overflow) = value.multipliedReportingOverflow(by: unit)
            guard !overflow else { return nil }
            var result = scaled
            var scale = unit
            for digit in fraction ?? bytesAfterEnd(of: whole) {
                scale /= 10
                guard scale > 0 else { break }
                // "9223372036.9s": the fraction can carry the whole part past Int64: invalid.
                let (sum, overflow) = result.addingReportingOverflow(Int64(digit &- UInt8(ascii: "0")) * scale)
                guard !overflow else { return nil }
                result = sum
            }
            return result
        }
    }
}
