import Checks
import Testing

/// The slow-start formula, as a table: `max(1, ⌈desired × k / 10⌉)`, `k = ⌊10 t / ramp⌋`.
@Suite struct WeightRampTests {
    @Test(arguments: [
        // desired, elapsed (s), ramp (s), weight
        (Int32(100), 0.0, 30.0, Int32(1)),
        (100, 2.9, 30, 1),
        (100, 3.0, 30, 10),
        (100, 15.0, 30, 50),
        (100, 29.999, 30, 90),
        (100, 30.0, 30, 100),
        (100, 3600.0, 30, 100),
        (1, 0.0, 30, 1),  // never 0 while healthy (GORB issue #47)
        (1, 29.0, 30, 1),
        (3, 0.0, 30, 1),
        (3, 12.0, 30, 2),  // ⌈3 × 4 / 10⌉
        (7, 0.0, 60, 1),
        (0, 10.0, 30, 0),  // the operator drained it: 0 stays 0
        (100, 5.0, 0, 100),  // no ramp: straight back
        (Int32.max, 0.0, 30, 1),
        (Int32.max, 29.0, 30, 1_932_735_283),
    ])
    func weight(desired: Int32, elapsed: Double, ramp: Double, expected: Int32) {
        #expect(WeightRamp.weight(desired: desired, elapsed: .seconds(elapsed), ramp: .seconds(ramp)) == expected)
    }

    @Test func monotonicAndEndsAtDesired() {
        for desired: Int32 in [1, 2, 5, 10, 99, 100, 1000] {
            var last: Int32 = 0
            for tenth in 0...400 {
                let weight = WeightRamp.weight(desired: desired, elapsed: .milliseconds(tenth * 100), ramp: .seconds(30))
                #expect(weight >= last && weight >= 1 && weight <= desired)
                last = weight
            }
            #expect(last == desired)
        }
    }

    @Test func stepsAreTenthsOfTheRamp() {
        #expect(WeightRamp.nextStep(elapsed: .zero, ramp: .seconds(30)) == .seconds(3))
        #expect(WeightRamp.nextStep(elapsed: .seconds(3), ramp: .seconds(30)) == .seconds(6))
        #expect(WeightRamp.nextStep(elapsed: .seconds(28), ramp: .seconds(30)) == .seconds(30))
        #expect(WeightRamp.nextStep(elapsed: .seconds(30), ramp: .seconds(30)) == nil)
        #expect(WeightRamp.nextStep(elapsed: .zero, ramp: .zero) == nil)
        // At each step boundary the weight has moved on: a timer set there sees the new step.
        var elapsed = Duration.zero
        var weights: [Int32] = [WeightRamp.weight(desired: 100, elapsed: elapsed, ramp: .seconds(7))]
        while let next = WeightRamp.nextStep(elapsed: elapsed, ramp: .seconds(7)) {
            elapsed = next
            weights.append(WeightRamp.weight(desired: 100, elapsed: elapsed, ramp: .seconds(7)))
        }
        #expect(weights == [1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
    }
}
