import Synchronization

/// One armed timer as a ``TimerScheduler`` sees it: a key, a deadline and a place in the
/// scheduler's heap. ``ServiceTimer`` adds what the service needs (the action, the mailbox).
///
/// Thread safety: `deadline` and `heapIndex` are guarded by the scheduler's lock; `key` and
/// `period` are immutable; `isEnded` is an atomic, written once (by the service's thread, or
/// by the timer thread when the service's mailbox has closed) and read by both.
/// `@unchecked Sendable` is sound for those reasons.
class TimerEntry: IndexedHeapElement, @unchecked Sendable {
    /// The key the service started the timer under.
    let key: AnyHashable
    /// Fixed rate: the period in nanoseconds, and the scheduler re-arms the entry itself.
    /// 0: the entry leaves the heap when it fires (one-shot, or fixed delay, which the service
    /// re-arms once the tick has been handled).
    let period: Int64
    /// The next deadline, in the scheduler's nanoseconds. Guarded by the scheduler's lock.
    var deadline: Int64 = 0
    /// The entry's position in the scheduler's heap, or -1 when not in it. Guarded by the
    /// scheduler's lock.
    var heapIndex = -1
    /// Set once the timer was cancelled, replaced, has fired its only tick, or its service is
    /// stopping: no tick of it is handled any more.
    let isEnded = Atomic<Bool>(false)

    var heapDeadline: Int64 { deadline }

    init(key: AnyHashable, period: Int64) {
        self.key = key
        self.period = period
    }

    /// The deadline passed (`dueCount` times, for a fixed-rate timer the scheduler was late
    /// for): deliver a tick. Runs on the scheduler's thread, or on the thread advancing a
    /// ``ManualClock``, with no lock held; must not block. Overridden by ``ServiceTimer``.
    func fire(dueCount: Int) {
        preconditionFailure("NanoServices: TimerEntry.fire must be overridden")
    }
}
