/// The timers a service has started, by key: what `timers.start`, `cancel` and a stop act on.
///
/// Thread safety: none needed — only the service's thread touches it (its initializer, its
/// methods, its ticks), and the thread that ends the service, after the service's last message.
/// Cost: a dictionary lookup per start or cancel, plus the scheduler's O(log n).
final class ServiceTimerTable {
    private var timers: [AnyHashable: TimerEntry] = [:]
    let scheduler: TimerScheduler
    /// The service's timer metrics, when a metrics backend was bootstrapped.
    let metrics: TimerMetrics?

    init(scheduler: TimerScheduler, metrics: TimerMetrics?) {
        self.scheduler = scheduler
        self.metrics = metrics
    }

    var count: Int { timers.count }

    func contains(_ key: AnyHashable) -> Bool { timers[key] != nil }

    /// Arms `timer` under its key for `firstDeadline`, ending the timer that had the key.
    func start(_ timer: TimerEntry, firstDeadline: Int64) {
        if let replaced = timers.updateValue(timer, forKey: timer.key) { end(replaced) }
        scheduler.schedule(timer, at: firstDeadline)
    }

    /// Ends the timer under `key`; `false` if there was none.
    func cancel(_ key: AnyHashable) -> Bool {
        guard let cancelled = timers.removeValue(forKey: key) else { return false }
        end(cancelled)
        return true
    }

    /// A one-shot timer's tick is being handled: the timer ends and frees its key.
    func finished(_ timer: TimerEntry) {
        if timers[timer.key] === timer { timers[timer.key] = nil }
        end(timer)
    }

    /// Ends every timer.
    func cancelAll() {
        for timer in timers.values { end(timer) }
        timers.removeAll()
    }

    /// No tick of `timer` is handled any more; it leaves the scheduler's heap at once.
    private func end(_ timer: TimerEntry) {
        timer.isEnded.store(true, ordering: .releasing)
        scheduler.remove(timer)
    }
}
