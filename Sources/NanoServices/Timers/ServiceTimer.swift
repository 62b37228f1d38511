import Synchronization

/// One timer of one service, from `timers.start(...)` until it is cancelled, replaced, has
/// fired its only tick or its service stops. Replacing a key makes a new `ServiceTimer`, so a
/// tick refers to the very timer that sent it: a tick of a replaced or cancelled timer finds
/// it ended when handled, and is skipped.
///
/// Thread safety: the timer thread calls ``fire(dueCount:)``; the service's thread runs
/// ``handleTick(_:)`` and is the only one that touches `action`. `isPending` is an atomic
/// (set by the timer thread, cleared by the service's thread); the rest is immutable.
/// `@unchecked Sendable` is sound for those reasons: `action` is not `Sendable`, but it is
/// created and called on the service's thread only.
///
/// Memory: one object of about 130 bytes per active timer, plus its slots in the service's
/// table and the scheduler's heap; a tick allocates nothing (the message holds a reference).
final class ServiceTimer<Message: _ServiceMessage>: TimerEntry, @unchecked Sendable {
    /// How a timer repeats.
    enum Repetition {
        /// Once, then it ends.
        case once
        /// Deadlines every `interval` from the first one, whatever the service does (late
        /// deadlines are coalesced into the pending tick).
        case fixedRate
        /// The next deadline is `interval` after the service has handled the tick.
        case fixedDelay
    }

    let core: ServiceCore<Message>
    let repetition: Repetition
    /// Nanoseconds between deadlines (fixed rate), or after each handled tick (fixed delay).
    let interval: Int64
    /// The service's code. Service thread only.
    let action: (inout Message.Instance) throws -> Void
    /// A tick is in the mailbox and not yet handled: further deadlines are coalesced.
    let isPending = Atomic<Bool>(false)
    let metrics: TimerMetrics?

    init(
        key: AnyHashable, repetition: Repetition, interval: Int64, core: ServiceCore<Message>,
        metrics: TimerMetrics?, action: @escaping (inout Message.Instance) throws -> Void
    ) {
        self.core = core
        self.repetition = repetition
        self.interval = interval
        self.action = action
        self.metrics = metrics
        super.init(key: key, period: repetition == .fixedRate ? interval : 0)
    }

    /// Puts a tick into the service's mailbox unless one is pending (then the deadline is
    /// coalesced). The tick goes in even over a bounded mailbox's capacity — there is at most
    /// one per timer — and never waits. Once the mailbox is closed the timer ends.
    /// Timer thread (or a thread advancing a ``ManualClock``).
    override func fire(dueCount: Int) {
        if isEnded.load(ordering: .acquiring) { return }
        if isPending.exchange(true, ordering: .acquiringAndReleasing) {
            core.timerCounters.noteCoalesced(dueCount, metrics: metrics)
            return
        }
        if dueCount > 1 { core.timerCounters.noteCoalesced(dueCount - 1, metrics: metrics) }
        let tick = Message._$timerTick(_ServiceTimerTick(timer: self))
        let envelope = MessageEnvelope(tick, context: nil, enqueuedAt: core.sendTime)
        switch core.mailbox.send(envelope, overCapacity: true) {
        case .accepted:
            return
        case .acceptedEvicting(let evicted):  // not with `overCapacity`; handled all the same
            core.rejectEvicted(evicted)
        case .closed, .full:
            // The service is stopping: its timers end (the service's thread disarms the rest).
            isEnded.store(true, ordering: .releasing)
            core.timerScheduler.remove(self)
        }
    }

    /// Runs the action for a tick taken from the mailbox, unless the timer has ended or the
    /// service is stopping (then the tick is skipped). Re-arms a fixed-delay timer.
    /// Service thread.
    func handleTick(_ instance: inout Message.Instance) {
        let state = core.state
        guard !isEnded.load(ordering: .acquiring), state != .stopping, state != .stopped else {
            core.timerCounters.noteSkipped(metrics: metrics)
            if state == .stopping || state == .stopped { core.cancelAllTimers() }
            return
        }
        isPending.store(false, ordering: .releasing)
        if repetition == .once { core.timerTable?.finished(self) }
        do {
            try action(&instance)
        } catch {
            core.reportCastError(error, method: "timer tick")
        }
        core.timerCounters.noteHandled(metrics: metrics)
        if repetition == .fixedDelay && !isEnded.load(ordering: .acquiring) {
            let scheduler = core.timerScheduler
            scheduler.schedule(self, at: scheduler.now() &+ interval)
        }
    }
}
