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
@usableFromInline
struct SpinWait {
    @usableFromInline let deadline: UInt64
    @usableFromInline var rounds: UInt32 = 0

    /// - Parameter budgetNanoseconds: how long spinning may last; 0 never spins.
    @inlinable @inline(__always)
    init(budgetNanoseconds: Int64) {
        deadline = budgetNanoseconds > 0 ? nano_monotonic_ns() &+ UInt64(budgetNanoseconds) : 0
    }

    /// Waits a little. Returns `false` once the budget is spent: the caller should park.
    @inlinable @inline(__always)
    mutating func spin() -> Bool {
        if deadline == 0 { return false }
        rounds &+= 1
        if rounds < 64 {
            for _ in 0..<(1 << min(rounds, 3)) { nano_cpu_relax() }
            return true
        }
        nano_thread_yield()
        return rounds & 7 != 0 || nano_monotonic_ns() < deadline
    }
}
