#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two clocks understudy reads, in one place: wall time for timestamps people read, monotonic
/// time for durations and expiry (unaffected by the system clock being set).
public enum SystemClock {
    /// Wall-clock time (`CLOCK_REALTIME`) as whole seconds since 1970 and the nanoseconds past them.
    public static func wall() -> (seconds: Int, nanoseconds: Int) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return (Int(now.tv_sec), Int(now.tv_nsec))
    }

    /// Wall-clock milliseconds since 1970.
    public static func wallMilliseconds() -> Int64 {
        let now = wall()
        return Int64(now.seconds) * 1000 + Int64(now.nanoseconds / 1_000_000)
    }

    /// Monotonic (`CLOCK_MONOTONIC`) nanoseconds since an arbitrary start.
    public static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
