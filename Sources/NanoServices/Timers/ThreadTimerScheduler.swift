import CNanoServicesShims
import Synchronization

/// The timer thread: one thread, started on first use and alive for the process, fires the
/// timers of every service on one clock (`ContinuousClock` or `SuspendingClock`). It sleeps on
/// a futex until the earliest deadline, or until an earlier one is armed.
///
/// Why a thread and not a task: a timer that needs Swift's cooperative pool cannot fire while
/// blocking code saturates it, and its ticks must reach services that never touch the pool.
/// Firing a tick takes the service's mailbox lock once and never waits.
///
/// Thread safety: every member may be used from any thread.
/// Cost: one thread (256 KiB of stack address space) per clock used; per armed timer, one heap
/// slot; a clock read and a lock round trip per wake-up.
final class ThreadTimerScheduler<C: Clock>: TimerScheduler, @unchecked Sendable where C.Duration == Duration {
    // `@unchecked Sendable` is sound: `clock` and `origin` are immutable, `wakeWord` is only
    // used through atomics and the futex calls, `started` is an atomic.
    private let clock: C
    private let origin: C.Instant
    private let threadName: String
    /// Bumped (then woken) when an earlier deadline is armed; the thread sleeps on it.
    private let wakeWord: UnsafeMutablePointer<UInt32>
    private let started = Atomic<Bool>(false)

    init(clock: C, threadName: String) {
        self.clock = clock
        self.origin = clock.now
        self.threadName = threadName
        wakeWord = .allocate(capacity: 1)
        wakeWord.initialize(to: 0)
    }

    deinit { wakeWord.deallocate() }

    override func now() -> Int64 {
        origin.duration(to: clock.now).nanosecondsClamped
    }

    override func earliestDeadlineChanged() {
        if !started.exchange(true, ordering: .acquiringAndReleasing) {
            let status = ServiceThread.start(name: threadName, stackSize: 256 * 1024) { [self] in run() }
            precondition(status == 0, "NanoServices: cannot start the timer thread '\(threadName)' (error \(status))")
            return
        }
        nano_atomic_store_release(wakeWord, nano_atomic_load_acquire(wakeWord) &+ 1)
        nano_futex_wake(wakeWord, 1)
    }

    /// The timer thread's loop. Timer thread only.
    private func run() {
        var due: [(entry: TimerEntry, count: Int)] = []
        due.reserveCapacity(64)
        while true {
            let sequence = nano_atomic_load_acquire(wakeWord)
            let next = fireDue(now: now(), into: &due)
            let wait = next.map { max($0 - now(), 0) } ?? -1
            if wait != 0 { _ = nano_futex_wait(wakeWord, sequence, wait) }
        }
    }
}
