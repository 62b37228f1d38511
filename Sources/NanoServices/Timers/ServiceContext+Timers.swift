/// A service's side of its timers (see ``ServiceTimers``).
extension _ServiceContext {
    /// Ends every timer of the service: each leaves the scheduler at once, and a tick already
    /// queued is skipped when taken. The entry point for a restart (supervision) and the end
    /// of a service. Service thread, or the thread ending the service after its last message.
    final func cancelAllTimers() {
        timerTable?.cancelAll()
    }

    /// The service's timer table, created on first use. Service thread.
    final func timerTableCreatingIfNeeded() -> ServiceTimerTable {
        assertOnServiceThread("a timer's creation")
        if let timerTable { return timerTable }
        let created = ServiceTimerTable(
            scheduler: timerScheduler, metrics: statistics.metrics.map { TimerMetrics(serviceName: $0.serviceName) })
        timerTable = created
        return created
    }
}
