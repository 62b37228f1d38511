/// Fires the timers of the services that use a clock other than `ContinuousClock`,
/// `SuspendingClock` and ``ManualClock``: a task that sleeps on the clock until the earliest
/// deadline, then fires what is due. Arming an earlier deadline cancels the sleeping task and
/// starts a new one.
///
/// Each service given such a clock gets its own scheduler (clocks are values, so two services'
/// clocks cannot be told to be the same one).
///
/// Thread safety: every member may be used from any thread.
/// Cost: per service with timers, one task on Swift's global executor while a timer is armed;
/// arming a deadline earlier than the armed ones creates a task. Ticks depend on the
/// cooperative pool being free to run that task; prefer `ContinuousClock` in production.
final class ClockTaskTimerScheduler<C: Clock>: TimerScheduler, @unchecked Sendable where C.Duration == Duration {
    // `@unchecked Sendable` is sound: `clock` and `origin` are immutable, `driver` is locked.
    private let clock: C
    private let origin: C.Instant
    private let driver = Locked<Task<Void, Never>?>(nil)

    init(clock: C) {
        self.clock = clock
        self.origin = clock.now
    }

    override func now() -> Int64 {
        origin.duration(to: clock.now).nanosecondsClamped
    }

    override func earliestDeadlineChanged() {
        let task = Task { [self] in await drive() }
        let previous = driver.withLock { driver in
            let previous = driver
            driver = task
            return previous
        }
        previous?.cancel()
    }

    /// Sleeps until the earliest deadline and fires what is due, until no timer is armed or a
    /// newer driver replaced this one. Runs in the driver task.
    private func drive() async {
        var due: [(entry: TimerEntry, count: Int)] = []
        while !Task.isCancelled, let next = nextDeadline {
            do {
                try await clock.sleep(until: origin.advanced(by: .nanoseconds(next)), tolerance: nil)
            } catch {
                return
            }
            fireDue(now: now(), into: &due)
        }
    }
}
