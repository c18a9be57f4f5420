/// What health does to a backend's weight: the one thing the reconciler needs from the checks.
///
/// A factor, not a weight, so the checks never need to know the weight the file or the REST API
/// asks for: the reconciler applies the factor to whatever weight is desired at the moment of a
/// pass (an operator's change during a ramp is respected, and a weight change costs no health
/// round trip).
public enum HealthFactor: Sendable, Hashable {
    /// Healthy, not checked yet, or checks that only observe (`inhibit: false`): the desired weight.
    case full
    /// Down: weight 0.
    case out
    /// Slow start after a recovery: step `step` of ``WeightRamp/steps`` (see ``WeightRamp``).
    case ramp(step: Int)
    /// Not checked since the daemon started, and the kernel held less than the desired weight: at
    /// most that much, so a restart never raises a backend the last run held down or mid-ramp.
    case ceiling(Int32)

    /// The kernel weight for a backend whose desired weight is `desired`.
    public func weight(desired: Int32) -> Int32 {
        switch self {
        case .full: desired
        case .out: 0
        case .ramp(let step): WeightRamp.weight(desired: desired, step: Int64(step))
        case .ceiling(let ceiling): min(desired, ceiling)
        }
    }
}
