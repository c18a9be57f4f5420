/// The check interval of a backend that stays down: doubled after each failure beyond `fall`, up to
/// a cap, so a dead fleet does not cost a full probe rate, while a recovery is still seen soon.
///
/// `delay = min(interval × 2^n, cap)` with `n` the failures since the backend went down and
/// `cap = max(interval, min(8 × interval, 60s))`: 1s checks back off to 8s, 5s to 40s, and
/// intervals of a minute or more do not back off at all. As soon as one check succeeds the
/// interval is the normal one again, so `rise` is reached at the normal pace.
public enum Backoff {
    public static let maximumFactor: Int64 = 8
    public static let ceiling = Duration.seconds(60)

    public static func cap(interval: Duration) -> Duration {
        max(interval, min(interval * Int(maximumFactor), ceiling))
    }

    public static func delay(interval: Duration, failuresBeyondFall n: Int) -> Duration {
        let factor = n >= 3 ? maximumFactor : Int64(1) << Int64(max(0, n))
        return min(interval * Int(factor), cap(interval: interval))
    }
}
