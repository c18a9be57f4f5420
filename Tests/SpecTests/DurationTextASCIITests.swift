@testable import Spec
import Testing

/// The byte-wise reading of ASCII durations must agree with the definition over characters on
/// everything, valid or not.
@Suite struct DurationTextASCIITests {
    @Test func agreesWithTheCharacterReading() {
        let pieces = ["", "0", "1", "5", "12", "0.5", "1.", ".5", ".", "1.2.3", "99999999999999", "9223372036", "9223372036.9", "+", "-", " ", "\t",
                      "s", "ms", "us", "ns", "m", "h", "sec", "Secs", "SECOND", "seconds", "min", "Mins", "minute", "minutes",
                      "hour", "HOURS", "x", "e3", "\r\n", "d", "msec", "µs"]
        var checked = 0
        for a in pieces {
            for b in pieces {
                for c in ["", "s", "1m", " ", "30s", "h"] {
                    let text = a + b + c
                    #expect(DurationText.parse(text) == DurationText.parseCharacters(text), "\(text.debugDescription)")
                    checked += 1
                }
            }
        }
        #expect(checked > 8_000)
    }
}
