import CNanoServicesShims

/// Bounded, yielding busy-waiting, used before parking a thread.
///
/// Waking a parked thread on another core costs tens of microseconds on a virtual machine;
/// a peer that answers within a few microseconds is much cheaper to wait for by spinning.
/// Spinning must never be unbounded and must yield: on a single core, a spinner that never
/// yields keeps the very thread it waits for from running. `SpinWait` pauses the CPU for the
/// first rounds, then calls `sched_yield`, and reports exhaustion after `budget`.
///
/// Between two looks it pauses once, for the first 512 looks (about the time 8 pauses per
/// look for 64 looks took before), so an answer is seen within one `pause` of arriving. Two
/// threads bounce a cache line in 70–120 ns here (nano-bench `call-sync`, "cache-line
/// ping-pong"): backing off to 8 pauses between looks (to 64 before that) made each side of a
/// call round trip wait for the spinner's next look, about 100 ns per call (docs/PERFORMANCE.md).
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
        if rounds < 512 {
            nano_cpu_relax()
            return true
        }
        nano_thread_yield()
        return rounds & 7 != 0 || nano_monotonic_ns() < deadline
    }
}
