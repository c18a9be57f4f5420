/// When checks run: soon at start, then spread out, never in lock-step.
///
/// - A new check (daemon start, or a backend added by a reload) first runs at a random offset in
///   `[0, min(interval, 1s))`: a dead backend is found within seconds, not a whole interval.
/// - While the backend's status is still unknown it is re-checked every `min(interval, 1s)`, so
///   `fall` failures (and a dead backend's weight 0) come `fall` seconds after start at most.
/// - The check after the first verdict is moved to a random phase, `interval × [0.5, 1.5)`: the
///   start-up burst does not repeat every interval (GORB's only jitter was the first delay).
/// - Every later delay is `base × [0.9, 1.0]` with `base` the interval (or the back-off): the
///   phases keep drifting apart, and a failure is still seen within `fall × interval`.
/// - Delays count from the start of the previous probe (the monitor subtracts its latency), so a
///   slow target is still checked once per interval.
public enum CheckSchedule {
    public static let startWindow = Duration.seconds(1)

    public static func firstDelay<R: RandomNumberGenerator>(interval: Duration, using random: inout R) -> Duration {
        min(interval, startWindow) * Double.random(in: 0..<1, using: &random)
    }

    public static func unknownDelay(interval: Duration) -> Duration {
        min(interval, startWindow)
    }

    public static func rephaseDelay<R: RandomNumberGenerator>(interval: Duration, using random: inout R) -> Duration {
        interval * Double.random(in: 0.5..<1.5, using: &random)
    }

    public static func jittered<R: RandomNumberGenerator>(_ base: Duration, using random: inout R) -> Duration {
        base * Double.random(in: 0.9...1.0, using: &random)
    }
}
