import Checks
import Testing

/// The rise/fall state machine, the ramp and the back-off, driven with explicit instants (no
/// clock, no sleeping), including every GORB pulse bug the issue names.
@Suite struct HealthStateTests {
    static let rules = PulseRules(interval: .seconds(1), rise: 2, fall: 3, ramp: .seconds(10))

    /// Feeds results one second apart starting at `start`; returns the state.
    func feed(_ results: String, into state: inout HealthState, from start: Int = 0, rules: PulseRules = rules) {
        for (index, char) in results.enumerated() {
            let outcome = char == "+" ? ProbeOutcome.up(.milliseconds(1)) : .down("refused", latency: .milliseconds(1))
            state.record(outcome, at: .seconds(start + index), pulse: rules)
        }
    }

    @Test(arguments: [
        // results ('+' up, '-' down), status after
        ("", HealthStatus.unknown),
        ("+", .up),  // unknown → up on the first success
        ("-", .unknown),
        ("--", .unknown),
        ("---", .down),  // fall = 3
        ("+--", .up),
        ("+---", .down),
        ("---+", .down),  // rise = 2
        ("---++", .up),
        ("---+-+", .down),  // a failure resets the run of successes
        ("---+-++", .up),
    ])
    func thresholds(results: String, expected: HealthStatus) {
        var state = HealthState()
        feed(results, into: &state)
        #expect(state.status == expected)
    }

    @Test func downIsZeroAtOnce() {
        var state = HealthState()
        feed("+++", into: &state)
        #expect(state.weight(desired: 100, at: .seconds(3), pulse: Self.rules) == 100)
        feed("---", into: &state, from: 3)
        #expect(state.status == .down)
        #expect(state.weight(desired: 100, at: .seconds(6), pulse: Self.rules) == 0)
    }

    @Test func unknownKeepsFullWeight() {
        let state = HealthState()
        #expect(state.weight(desired: 40, at: .seconds(1), pulse: Self.rules) == 40)
    }

    @Test func firstSuccessHasNoRamp() {
        var state = HealthState()
        feed("+", into: &state)
        #expect(state.weight(desired: 100, at: .zero, pulse: Self.rules) == 100)
        #expect(!state.isRamping(at: .zero, ramp: Self.rules.ramp))
    }

    @Test func recoveryRampsOverTheRamp() {
        var state = HealthState()
        feed("---++", into: &state)  // up at t = 4
        #expect(state.status == .up)
        let weights = (4...15).map { state.weight(desired: 100, at: .seconds($0), pulse: Self.rules) }
        #expect(weights == [1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 100])
        #expect(state.nextRampStep(at: .seconds(4), ramp: Self.rules.ramp) == .seconds(5))
        #expect(state.nextRampStep(at: .seconds(14), ramp: Self.rules.ramp) == nil)
    }

    /// GORB: a backend failing again while still recovering kept its partly restored weight.
    @Test func failureDuringRampDropsToZero() {
        var state = HealthState()
        feed("---++", into: &state)  // up at t = 4, ramping until 14
        feed("+++", into: &state, from: 5)
        #expect(state.weight(desired: 100, at: .seconds(7), pulse: Self.rules) == 30)
        feed("-", into: &state, from: 8)  // one failure during the ramp
        #expect(state.status == .down)
        #expect(state.weight(desired: 100, at: .seconds(8), pulse: Self.rules) == 0)
        // And the next recovery ramps from the bottom again.
        feed("++", into: &state, from: 9)
        #expect(state.weight(desired: 100, at: .seconds(10), pulse: Self.rules) == 1)
        #expect(state.weight(desired: 100, at: .seconds(11), pulse: Self.rules) == 10)
    }

    /// After the ramp, a single failure is again tolerated (fall = 3).
    @Test func afterTheRampFallApplies() {
        var state = HealthState()
        feed("---++", into: &state)
        feed("+", into: &state, from: 20)
        feed("-", into: &state, from: 21)
        #expect(state.status == .up)
        #expect(state.weight(desired: 100, at: .seconds(21), pulse: Self.rules) == 100)
    }

    /// GORB issue #47: weight 1 truncated to 0 for the whole recovery.
    @Test(arguments: [Int32(1), 2, 3, 9])
    func smallWeightsNeverStickAtZero(desired: Int32) {
        var state = HealthState()
        feed("---++", into: &state)
        for tenth in 40...200 {
            let weight = state.weight(desired: desired, at: .milliseconds(tenth * 100), pulse: Self.rules)
            #expect(weight >= 1 && weight <= desired)
        }
    }

    /// GORB overwrote an operator's change with its stash; the ramp scales the current weight.
    @Test func operatorChangeDuringRampIsRespected() {
        var state = HealthState()
        feed("---++", into: &state)  // up at 4
        #expect(state.weight(desired: 100, at: .seconds(9), pulse: Self.rules) == 50)
        #expect(state.weight(desired: 50, at: .seconds(9), pulse: Self.rules) == 25)
        #expect(state.weight(desired: 50, at: .seconds(20), pulse: Self.rules) == 50)
        #expect(state.weight(desired: 0, at: .seconds(9), pulse: Self.rules) == 0)
    }

    /// GORB needed 100 clean samples after a failure; here full weight comes `ramp` after `rise`,
    /// however long the backend was healthy or failing before.
    @Test(arguments: [1, 10, 200])
    func recoveryTimeIndependentOfHistory(failures: Int) {
        var state = HealthState()
        feed(String(repeating: "+", count: 150) + String(repeating: "-", count: max(3, failures)) + "++", into: &state)
        let upAt = 150 + max(3, failures) + 1
        #expect(state.status == .up)
        #expect(state.weight(desired: 100, at: .seconds(upAt + 10), pulse: Self.rules) == 100)
        #expect(state.weight(desired: 100, at: .seconds(upAt + 9), pulse: Self.rules) == 90)
        #expect(state.weight(desired: 100, at: .seconds(upAt), pulse: Self.rules) == 1)
    }

    @Test func inhibitOffOnlyObserves() {
        let rules = PulseRules(interval: .seconds(1), rise: 2, fall: 1, ramp: .seconds(10), inhibit: false)
        var state = HealthState()
        feed("-", into: &state, rules: rules)
        #expect(state.status == .down)
        #expect(state.weight(desired: 100, at: .seconds(1), pulse: rules) == 100)
    }

    @Test(arguments: [
        // interval (s), failures in a row (fall = 3), delay (s)
        (1.0, 3, 1.0), (1, 4, 2), (1, 5, 4), (1, 6, 8), (1, 20, 8),
        (5, 3, 5), (5, 6, 40), (5, 50, 40),
        (10, 6, 60), (60, 10, 60), (300, 10, 300),
    ])
    func backoff(interval: Double, failures: Int, expected: Double) {
        var state = HealthState()
        let rules = PulseRules(interval: .seconds(interval), rise: 2, fall: 3, ramp: .zero)
        feed(String(repeating: "-", count: failures), into: &state, rules: rules)
        #expect(state.nextDelay(pulse: rules) == .seconds(expected))
    }

    @Test func oneSuccessEndsTheBackoff() {
        var state = HealthState()
        feed(String(repeating: "-", count: 10) + "+", into: &state)
        #expect(state.status == .down)
        #expect(state.nextDelay(pulse: Self.rules) == .seconds(1))
    }

    @Test func metrics() {
        var state = HealthState()
        feed("++++-", into: &state)
        #expect(state.health == 0.8)
        #expect(state.consecutiveFailures == 1)
        #expect(state.lastError == "refused")
        #expect(state.checks == 5)
        #expect(state.lastCheck == .seconds(4))
        // Uptime in seconds since the backend came up (at t = 0), GORB's unit bug fixed.
        #expect(state.uptime(at: .seconds(90)) == 90)
        feed("--", into: &state, from: 5)
        #expect(state.uptime(at: .seconds(90)) == 0)
        var window = ResultWindow()
        for index in 0..<100 { window.append(index % 4 != 0) }
        #expect(window.count == ResultWindow.capacity)
        #expect(window.successRatio == 48.0 / 64.0)
    }

    @Test func scheduleRanges() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let first = CheckSchedule.firstDelay(interval: .seconds(60), using: &random)
            #expect(first >= .zero && first < .seconds(1))
            let short = CheckSchedule.firstDelay(interval: .milliseconds(200), using: &random)
            #expect(short < .milliseconds(200))
            let phase = CheckSchedule.rephaseDelay(interval: .seconds(10), using: &random)
            #expect(phase >= .seconds(5) && phase < .seconds(15))
            let next = CheckSchedule.jittered(.seconds(10), using: &random)
            #expect(next >= .seconds(9) && next <= .seconds(10))
        }
        #expect(CheckSchedule.unknownDelay(interval: .seconds(60)) == .seconds(1))
        // 100,000 backends starting at once spread their first checks over the interval (10,000
        // a second at most), not over one second.
        var spread: [Duration] = []
        for _ in 0..<2000 { spread.append(CheckSchedule.firstDelay(interval: .seconds(10), backends: 100_000, using: &random)) }
        #expect(spread.allSatisfy { $0 < .seconds(10) })
        #expect(spread.filter { $0 >= .seconds(5) }.count > 500)
        for _ in 0..<200 { #expect(CheckSchedule.firstDelay(interval: .seconds(10), backends: 5000, using: &random) < .seconds(1)) }
        for _ in 0..<200 {
            let busy = CheckSchedule.busyDelay(using: &random)
            #expect(busy >= .milliseconds(5) && busy < .milliseconds(15))
        }
    }
}
