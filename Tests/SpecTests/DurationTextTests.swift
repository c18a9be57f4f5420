import Spec
import Testing

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("5s", Duration.seconds(5)),
        ("500ms", .milliseconds(500)),
        ("1m30s", .seconds(90)),
        ("1.5h", .seconds(5_400)),
        ("2h45m", .seconds(9_900)),
        ("1min", .seconds(60)),
        ("1minutes", .seconds(60)),
        ("10sec", .seconds(10)),
        ("3seconds", .seconds(3)),
        ("2hours", .seconds(7_200)),
        ("250us", .microseconds(250)),
        ("7ns", .nanoseconds(7)),
        ("0", .zero),
        (" 5s ", .seconds(5)),
        ("0.25s", .milliseconds(250)),
    ])
    func parses(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test(arguments: ["", "5", "60", "-5s", "5 s", "5x", "s", "1.2.3s", "1m30", "1e3s", "∞s", "99999999999999h", "9223372036.9s", "9223372036.9９s"])
    func rejects(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test(arguments: [
        (Duration.seconds(90), "1m30s"),
        (.milliseconds(500), "500ms"),
        (.zero, "0s"),
        (.seconds(3_600), "1h"),
        (.milliseconds(1_500), "1.5s"),
        (.seconds(86_400), "24h"),
    ])
    func formats(duration: Duration, expected: String) {
        #expect(DurationText.format(duration) == expected)
        #expect(DurationText.parse(expected) == duration)
    }
}
