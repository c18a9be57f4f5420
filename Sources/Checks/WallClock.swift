#if canImport(Glibc)
import Glibc
#endif

/// The wall clock, for the times the API shows (the checks themselves run on monotonic time).
public enum WallClock {
    @Sendable public static func now() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
