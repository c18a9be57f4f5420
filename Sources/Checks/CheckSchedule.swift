/// When checks run: soon at start, then spread out, never in lock-step.
///
/// - A new check (daemon start, or a backend added by a reload) first runs at a random offset in
///   `[0, min(interval, window))`, the window being 1 s, or longer for more than
///   ``startRate`` backends: a dead backend is found within seconds, not a whole interval, and
///   100,000 backends do not all connect in the first second.
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
    /// First checks per second at most, on average, when many backends start at once.
    public static let startRate = 10_000

    public static func firstDelay<R: RandomNumberGenerator>(interval: Duration, backends: Int = 1, using random: inout R) -> Duration {
        let window = max(startWindow, .seconds(Double(backends) / Double(startRate)))
        return min(interval, window) * Double.random(in: 0..<1, using: &random)
    }

    public static func unknownDelay(interval: Duration) -> Duration {
        min(interval, startWindow)
    }

    public static func rephaseDelay<R: RandomNumberGenerator>(interval: Duration, using random: inout R) -> Duration {
        interval * Double.random(in: 0.5..<1.5, using: &random)
    }

    /// How long a check waits when every allowed probe is in flight: a few milliseconds, spread.
    public static func busyDelay<R: RandomNumberGenerator>(using random: inout R) -> Duration {
        .milliseconds(5) * Double.random(in: 1..<3, using: &random)
    }

    public static func jittered<R: RandomNumberGenerator>(_ base: Duration, using random: inout R) -> Duration {
        base * Double.random(in: 0.9...1.0, using: &random)
    }
}
