/// The slow start: the kernel weight of a backend that has just recovered.
///
/// Linear in ``steps`` steps over the ramp: at `t` after the recovery, with `k = ⌊t × steps / ramp⌋`,
///
///     weight = max(1, ⌈desired × k / steps⌉)      while t < ramp   (k = 0 … 9)
///     weight = desired                           from t ≥ ramp on
///
/// so a backend comes back with weight 1 (a trickle), has a tenth of its weight after `ramp / 10`,
/// gains a tenth every `ramp / 10`, and has all of it at `ramp`. The formula is applied to the
/// *current* desired weight at each pass, so an operator's change during the ramp is respected
/// (GORB scaled a weight stashed at the failure and overwrote the change). A healthy backend never
/// gets 0 from the ramp (GORB truncated small weights to 0 for its whole recovery window), and the
/// time to full weight depends only on `ramp`, never on how many results a window holds (GORB
/// needed 100 clean samples: 100 minutes at its default interval).
public enum WeightRamp {
    /// Ten steps: each costs one `SET_DEST` per backend, so a recovery costs at most eleven kernel
    /// operations (1, then ten tenths), and each step adds at most a tenth of the traffic.
    public static let steps = 10

    /// The weight `elapsed` after the recovery started.
    public static func weight(desired: Int32, elapsed: Duration, ramp: Duration) -> Int32 {
        guard let step = step(elapsed: elapsed, ramp: ramp) else { return desired }
        return weight(desired: desired, step: step)
    }

    /// The step `elapsed` after the recovery started; `nil` once the ramp is over.
    public static func step(elapsed: Duration, ramp: Duration) -> Int64? {
        guard ramp > .zero, elapsed < ramp else { return nil }
        return min(Int64(steps), stepIndex(elapsed: max(elapsed, .zero), ramp: ramp))
    }

    /// The weight during step `step` of the ramp.
    public static func weight(desired: Int32, step: Int64) -> Int32 {
        guard desired > 0 else { return 0 }
        let scaled = (Int64(desired) * step + Int64(steps) - 1) / Int64(steps)
        return Int32(max(1, min(Int64(desired), scaled)))
    }

    /// When the next step starts, measured from the start of the ramp; `nil` when the ramp is over.
    public static func nextStep(elapsed: Duration, ramp: Duration) -> Duration? {
        guard ramp > .zero, elapsed < ramp else { return nil }
        let next = stepIndex(elapsed: max(elapsed, .zero), ramp: ramp) + 1
        guard next < Int64(steps) else { return ramp }
        return start(ofStep: next, ramp: ramp)
    }

    /// The first whole nanosecond of step `step` (0 … steps - 1), measured from the start of the
    /// ramp: where a ramp resumes that must give `weight(desired:elapsed:ramp:)` of that step.
    static func start(ofStep step: Int64, ramp: Duration) -> Duration {
        let r = max(1, nanoseconds(ramp))
        return .nanoseconds((r * step + Int64(steps) - 1) / Int64(steps))
    }

    /// The last step whose weight is at most `weight` (a weight the kernel holds mid-ramp): the
    /// step a ramp resumes from, so it never gives more than the kernel held.
    static func step(atMost weight: Int32, desired: Int32) -> Int64 {
        guard desired > 0, weight > 0 else { return 0 }
        return min(Int64(steps) - 1, Int64(weight) * Int64(steps) / Int64(desired))
    }

    private static func stepIndex(elapsed: Duration, ramp: Duration) -> Int64 {
        // Whole nanoseconds keep the arithmetic exact for any ramp up to 24h.
        let e = nanoseconds(elapsed)
        let r = max(1, nanoseconds(ramp))
        return e * Int64(steps) / r
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
