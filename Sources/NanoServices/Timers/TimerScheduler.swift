/// Fires the timers of every service that uses one clock: an indexed heap of deadlines under
/// one lock, and a driver that calls ``fireDue(now:into:)`` when the earliest deadline has
/// passed. Drivers: ``ThreadTimerScheduler`` (one thread for all services on
/// `ContinuousClock`, another for `SuspendingClock`), ``ManualClock`` (fires when advanced) and
/// ``ClockTaskTimerScheduler`` (any other clock: a task sleeping on it).
///
/// Times are nanoseconds since the scheduler's origin (its clock's `now` when it was created).
///
/// Thread safety: every member may be used from any thread.
/// Cost: arming, re-arming and cancelling a timer are O(log n) under the lock, n the timers
/// armed on this clock; no allocation except when the heap's array grows.
class TimerScheduler: @unchecked Sendable {
    // `@unchecked Sendable` is sound: the heap is only touched under `heap`'s lock.
    private let heap = Locked(IndexedHeap<TimerEntry>())

    init() {}

    /// Now, in this scheduler's nanoseconds. Any thread. Overridden by each driver.
    func now() -> Int64 {
        preconditionFailure("NanoServices: TimerScheduler.now must be overridden")
    }

    /// A new earliest deadline was armed: the driver must wake up earlier than it planned.
    /// Called with no lock held. Overridden by each driver.
    func earliestDeadlineChanged() {
        preconditionFailure("NanoServices: TimerScheduler.earliestDeadlineChanged must be overridden")
    }

    /// Arms `entry` (again) for `deadline`. Any thread.
    final func schedule(_ entry: TimerEntry, at deadline: Int64) {
        let isEarliest = heap.withLock { heap in
            heap.remove(entry)
            entry.deadline = deadline
            heap.push(entry)
            return entry.heapIndex == 0
        }
        if isEarliest { earliestDeadlineChanged() }
    }

    /// Disarms `entry` if it is armed. Any thread.
    final func remove(_ entry: TimerEntry) {
        heap.withLock { $0.remove(entry) }
    }

    /// Timers armed on this clock (all services together). Any thread.
    final var armedCount: Int { heap.withLock { $0.count } }

    /// The earliest deadline, if any timer is armed. Any thread.
    final var nextDeadline: Int64? { heap.withLock { $0.first?.deadline } }

    /// Takes every entry whose deadline is at or before `now` out of the heap (a fixed-rate
    /// entry goes back with its next deadline after `now`, keeping its phase), then fires
    /// them in deadline order with no lock held. `due` is scratch space the caller may reuse,
    /// so that steady-state firing allocates nothing. Returns the next deadline.
    @discardableResult
    final func fireDue(now: Int64, into due: inout [(entry: TimerEntry, count: Int)]) -> Int64? {
        let next: Int64? = heap.withLock { heap in
            while let first = heap.first, first.deadline <= now {
                if first.period > 0 {
                    let missed = (now - first.deadline) / first.period + 1
                    due.append((first, Int(missed)))
                    first.deadline += missed * first.period
                    heap.firstDeadlineIncreased()
                } else {
                    heap.remove(first)
                    due.append((first, 1))
                }
            }
            return heap.first?.deadline
        }
        for (entry, count) in due { entry.fire(dueCount: count) }
        due.removeAll(keepingCapacity: true)
        return next
    }
}

extension TimerScheduler {
    /// The scheduler that serves timers on `clock`: one shared thread each for
    /// `ContinuousClock` and `SuspendingClock`, the clock's own for a ``ManualClock``, and a new
    /// task-driven scheduler for any other clock (see ``ClockTaskTimerScheduler``).
    static func serving(_ clock: any Clock<Duration>) -> TimerScheduler {
        switch clock {
        case is ContinuousClock: continuous
        case is SuspendingClock: suspending
        case let manual as ManualClock: manual.timerScheduler
        default: drivenByTask(clock)
        }
    }

    /// Every service on `ContinuousClock` (the default): the `nano-timer` thread.
    static let continuous: TimerScheduler = ThreadTimerScheduler(clock: ContinuousClock(), threadName: "nano-timer")
    /// Every service on `SuspendingClock`: the `nano-timer-susp` thread.
    static let suspending: TimerScheduler = ThreadTimerScheduler(clock: SuspendingClock(), threadName: "nano-timer-susp")

    private static func drivenByTask<C: Clock<Duration>>(_ clock: C) -> TimerScheduler {
        ClockTaskTimerScheduler(clock: clock)
    }
}
