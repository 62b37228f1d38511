import CoreMetrics
import Synchronization

/// A service's timer counters, for ``ServiceSnapshot`` and, with a metrics backend, as the
/// `nano_service_timer_ticks` counter (dimensions `service`, `outcome`: `handled`,
/// `coalesced`, `skipped`).
///
/// Thread safety: any thread (relaxed atomics: the timer thread counts coalesced deadlines,
/// the service's thread the rest; snapshots read them). Cost: one atomic add per event.
struct ServiceTimerCounters: ~Copyable {
    /// Ticks whose action ran.
    let handled = Atomic<Int>(0)
    /// Deadlines that passed while a tick of the same timer was pending: no tick was queued.
    let coalesced = Atomic<Int>(0)
    /// Ticks taken from the mailbox after their timer was cancelled or replaced, or while the
    /// service was stopping, or rejected by a stopped service: not handled.
    let skipped = Atomic<Int>(0)

    init() {}

    func noteHandled(metrics: TimerMetrics?) {
        handled.add(1, ordering: .relaxed)
        metrics?.handled.increment()
    }

    func noteCoalesced(_ count: Int, metrics: TimerMetrics?) {
        coalesced.add(count, ordering: .relaxed)
        metrics?.coalesced.increment(by: Int64(count))
    }

    func noteSkipped(metrics: TimerMetrics?) {
        skipped.add(1, ordering: .relaxed)
        metrics?.skipped.increment()
    }
}

/// One service's timer metric objects, created when it starts its first timer.
/// Thread safety: any thread.
final class TimerMetrics: Sendable {
    let handled: CoreMetrics.Counter
    let coalesced: CoreMetrics.Counter
    let skipped: CoreMetrics.Counter

    init(serviceName: String) {
        func counter(_ outcome: String) -> CoreMetrics.Counter {
            CoreMetrics.Counter(label: "nano_service_timer_ticks", dimensions: [("service", serviceName), ("outcome", outcome)])
        }
        handled = counter("handled")
        coalesced = counter("coalesced")
        skipped = counter("skipped")
    }
}
