import CNanoServicesShims

/// Bounded, yielding busy-waiting, used before parking a thread.
///
/// Waking a parked thread on another core costs tens of microseconds on a virtual machine;
/// a peer that answers within a few microseconds is much cheaper to wait for by spinning.
/// Spinning must never be unbounded and must yield: on a single core, a spinner that never
/// yields keeps the very thread it waits for from running. `SpinWait` pauses the CPU for the
/// first rounds, then calls `sched_yield`, and reports exhaustion after `budget`.
///
/// Between two looks it pauses at most 8 times (a `pause` is about 25 ns on this machine's
/// CPUs), so an answer is seen within about 200 ns of arriving: backing off further, as it
/// did before (up to 64 pauses), made a call round trip wait for the spinner's next look.
///
/// The budget starts at the first ``spin()``, not at `init`: a wait whose condition already
/// holds (the reply is there, messages are waiting) reads no clock at all.
@usableFromInline
struct SpinWait {
    @usableFromInline let budget: UInt64
    /// When spinning must stop (monotonic ns); 0 until the first ``spin()``.
    @usableFromInline var deadline: UInt64 = 0
    @usableFromInline var rounds: UInt32 = 0

    /// - Parameter budgetNanoseconds: how long spinning may last, from the first ``spin()``;
    ///   0 (or less) never spins.
    @inlinable @inline(__always)
    init(budgetNanoseconds: Int64) {
        budget = budgetNanoseconds > 0 ? UInt64(budgetNanoseconds) : 0
    }

    /// When the first ``spin()`` started (monotonic ns), or `nil` if it was never called or the
    /// budget is 0 (then no clock was read).
    @inlinable var started: UInt64? { deadline == 0 ? nil : deadline &- budget }

    /// Waits a little. Returns `false` once the budget is spent: the caller should park.
    @inlinable @inline(__always)
    mutating func spin() -> Bool {
        if budget == 0 { return false }
        if deadline == 0 { deadline = nano_monotonic_ns() &+ budget }
        rounds &+= 1
        if rounds < 64 {
            for _ in 0..<(1 << min(rounds, 3)) { nano_cpu_relax() }
            return true
        }
        nano_thread_yield()
        return rounds & 7 != 0 || nano_monotonic_ns() < deadline
    }
}
