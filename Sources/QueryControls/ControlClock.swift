#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The clocks the controls read on every query: the coarse ones, which are a memory read in the
/// vDSO rather than a system call; a second's resolution is all the controls need.
enum ControlClock {
    /// Seconds of the monotonic clock: for rate counters.
    @inline(__always)
    static func monotonicSeconds() -> Int64 {
        var spec = timespec()
        #if os(Linux)
        clock_gettime(CLOCK_MONOTONIC_COARSE, &spec)
        #else
        clock_gettime(CLOCK_MONOTONIC, &spec)
        #endif
        return Int64(spec.tv_sec)
    }

    /// Seconds since the epoch: cookie timestamps are wall-clock (RFC 9018 §4.3), so that servers
    /// of an anycast set agree on them.
    @inline(__always)
    static func wallSeconds() -> UInt32 {
        var spec = timespec()
        #if os(Linux)
        clock_gettime(CLOCK_REALTIME_COARSE, &spec)
        #else
        clock_gettime(CLOCK_REALTIME, &spec)
        #endif
        return UInt32(truncatingIfNeeded: spec.tv_sec)
    }
}
