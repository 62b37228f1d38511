#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Monotonic time in nanoseconds (`CLOCK_MONOTONIC`), cheap enough to read around a loop.
enum MonotonicClock {
    @inline(__always)
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    /// Nanoseconds spent in `body`.
    @inline(__always)
    static func measure(_ body: () throws -> Void) rethrows -> UInt64 {
        let start = now()
        try body()
        return now() &- start
    }

    /// Nanoseconds spent in `body`, for async code.
    @inline(__always)
    static func measure(_ body: () async throws -> Void) async rethrows -> UInt64 {
        let start = now()
        try await body()
        return now() &- start
    }
}
