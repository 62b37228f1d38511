import CNanoServicesShims

/// The consumer's side of the mailbox: taking batches and jobs, parking, acknowledging handled
/// batches. Service thread (or pool slice) only, except ``sendJob(_:)`` and ``wakeConsumer()``.
extension Mailbox {
    /// What ``receive(into:jobs:takeMessages:knownClose:mayFinish:stillHeld:spinNanoseconds:)`` saw.
    @usableFromInline
    struct Received {
        /// The stop requested so far, if any.
        @usableFromInline var closed: StopMode?
        /// No message is left in the queue.
        @usableFromInline var drained: Bool
        /// Stopped, drained, nothing left to run: the consumer must end now. No job is
        /// accepted any more.
        @usableFromInline var finished: Bool
        /// Nothing to take and the consumer may not park (a pooled service): it is now marked
        /// parked, and the next send schedules it again. The caller must not touch the
        /// consumer's state any more.
        @usableFromInline var idle: Bool
        /// Messages were taken: `true` if they were already waiting when the consumer first
        /// looked (see ``BatchPacing/took(_:at:waiting:)``, which the consumer must call).
        @usableFromInline var tookMessagesWaiting: Bool?
        @inlinable init(closed: StopMode?, drained: Bool, finished: Bool, idle: Bool = false, tookMessagesWaiting: Bool? = nil) {
            self.closed = closed
            self.drained = drained
            self.finished = finished
            self.idle = idle
            self.tookMessagesWaiting = tookMessagesWaiting
        }
    }

    /// Waits for work and takes it: every queued job into `jobs`, and (when `takeMessages`, or
    /// once closed immediately) every queued message into `batch`, which must be empty.
    /// Returns when it took something, when the stop mode differs from `knownClose`, or when
    /// closed, drained and `mayFinish`. Spins up to `spinNanoseconds`, then parks — or, when
    /// `mayPark` is `false` (a pooled service), marks the consumer parked and returns `idle`.
    ///
    /// A bounded mailbox counts `stillHeld` (messages taken earlier and not yet handled) and
    /// the new batch against its capacity; the previous batch is acknowledged as handled.
    /// Service thread only.
    @inlinable
    func receive(
        into batch: inout MessageBuffer<Message>,
        jobs: inout ContiguousArray<UnownedJob>,
        takeMessages: Bool,
        knownClose: StopMode?,
        mayFinish: Bool,
        stillHeld: Int,
        spinNanoseconds: Int64,
        mayPark: Bool = true
    ) -> Received {
        var spinner = SpinWait(budgetNanoseconds: spinNanoseconds)
        var spinning = spinNanoseconds > 0
        if capacity != Int.max { acknowledgeBatch(stillHeld: stillHeld) }
        if spinning {
            nano_atomic_store_release(consumerCPU, UInt32(bitPattern: nano_current_cpu() &+ 1))
        }
        if mayPark && takeMessages {
            // While a stream arrives, let the next batch build up (see BatchPacing).
            let earliest = pacing.pointee.earliestNextTake
            while nano_ticks() < earliest { nano_cpu_relax() }
            if spinning { waitBrieflyForWorkHint() }
        }
        var firstLook = true
        while true {
            lock.lock()
            let look = state.pointee.take(
                into: &batch, jobs: &jobs, takeMessages: takeMessages,
                knownClose: knownClose, mayFinish: mayFinish, stillHeld: stillHeld)
            if look.nothingQueued { nano_atomic_store_release(workHint, 0) }
            let (closed, drained) = (look.closed, look.drained)
            if look.mustReturn(knownClose: knownClose) {
                lock.unlock()
                return Received(
                    closed: closed, drained: drained, finished: look.finished,
                    tookMessagesWaiting: look.tookMessages ? firstLook : nil)
            }
            if firstLook {
                firstLook = false
                pacing.pointee.foundEmpty()
            }
            if spinning {
                lock.unlock()
                if !takeMessages && !drained {
                    // The hint is set by messages this look may not take (an `async` method
                    // holds the service, or it awaits a restart): it says nothing new. Look
                    // again after a pause, within the budget, then park. (Looping on the hint
                    // alone here spun a core until the job arrived, however long that took.)
                    spinning = spinner.spin()
                } else {
                    // Spin on the hint alone; take the lock again only when work may be there.
                    while spinning && nano_atomic_load_acquire(workHint) == 0 {
                        spinning = spinner.spin()
                    }
                }
                continue
            }
            state.pointee.parkConsumer()
            lock.unlock()
            if !mayPark { return Received(closed: closed, drained: drained, finished: false, idle: true) }
            ThreadParker.park(wakeWord)
            spinner = SpinWait(budgetNanoseconds: spinNanoseconds)
            spinning = spinNanoseconds > 0
        }
    }

    /// Before the first look of a take, waits up to ``hintWaitRounds`` pauses (≈200 ns here)
    /// while the producers' hint says nothing was queued since the last look. Without it, a
    /// consumer that has just answered a call takes the lock for an empty look exactly when the
    /// caller, given its answer, comes to send the next call: the caller met a held lock in
    /// ≈7% of its time (`perf`, `nano-bench --filter call-sync`). Bounded, so a stop or a
    /// finished `async` method (which do not set the hint) is seen at most this much later.
    /// Service thread only.
    @inlinable @inline(__always)
    func waitBrieflyForWorkHint() {
        var rounds = 0
        while rounds < Self.hintWaitRounds && nano_atomic_load_acquire(workHint) == 0 {
            nano_cpu_relax()
            rounds &+= 1
        }
    }

    /// See ``waitBrieflyForWorkHint()``.
    @inlinable static var hintWaitRounds: Int { 16 }

    /// Queues a job (the resumption of an `async` method's task) for the consumer. Jobs are
    /// never refused while the consumer runs, whatever the stop mode or capacity. Returns
    /// `false` once the consumer has finished for good.
    func sendJob(_ job: UnownedJob) -> Bool {
        lock.lock()
        guard let wake = state.pointee.sendJob(job) else {
            lock.unlock()
            return false
        }
        if nano_atomic_load_acquire(workHint) == 0 { nano_atomic_store_release(workHint, 1) }
        lock.unlock()
        if wake { wakeConsumer() }
        return true
    }

    /// Wakes the consumer that was found parked (and marked not parked under the lock): unparks
    /// its thread, or schedules a pooled service on its pool. Called once per parking.
    @inlinable @inline(__always)
    func wakeConsumer() {
        if let poolSlot {
            poolSlot.schedule()
        } else {
            ThreadParker.unpark(wakeWord)
        }
    }

    /// Bounded mailboxes: the last batch is handled; free its room and wake waiting senders.
    @usableFromInline
    func acknowledgeBatch(stillHeld: Int) {
        lock.lock()
        let waiters = state.pointee.acknowledgeBatch(stillHeld: stillHeld)
        lock.unlock()
        for waiter in waiters { waiter.wake() }
    }
}
