import CNanoServicesShims

/// Calls run inline: a call to an *idle* pooled service runs the method on the caller's
/// thread, as an uncontended actor `await` or `DispatchQueue.sync` does, instead of waking a
/// pool thread and waiting for it.
///
/// The caller claims the service's run slot, the same one a pool thread takes to run a slice
/// (see ``Mailbox/claimIfIdle()``); it gets it only if the service is parked with nothing
/// queued, nothing held by an `async` method and no stop requested. Then no message sent
/// before the call is still waiting (mailbox order holds) and no other thread can run the
/// service until the slot is given back (one method at a time, no reentrancy). The caller
/// switches the thread's current service to the callee for the method (so deadlock
/// detection, `unownedCurrent` and nested calls see the callee) and restores it after; it
/// is recorded as waiting on the callee before, as for any call, so a cycle back to it
/// fails with `deadlock`. The message is counted, timed and traced like a queued one.
extension ServiceCore {
    /// Claims this pooled service's run slot for the calling thread if the service is idle
    /// (see above). Returns `false` for a service with its own thread, a busy one, one with
    /// messages waiting, one held by an `async` method, and one stopped or stopping: the call
    /// then takes the mailbox. Any thread; one uncontended lock round trip.
    @inlinable
    func claimForInlineCall() -> Bool {
        guard pooled != nil, mailbox.claimIfIdle() else { return false }
        // The slot is ours: the loop's state is this thread's until it is given back. (Read
        // as one expression, not bound before the claim: that retained the loop object on
        // every call — it lives as long as the service, which the caller's handle keeps.)
        let loop = pooled.unsafelyUnwrapped.loop
        if isHeldByAsyncMethod || loop.pointee.instance == nil
            || !loop.pointee.held.isEmpty || !loop.pointee.batch.isEmpty {
            releaseRunSlot()
            return false
        }
        return true
    }

    /// Handles `envelope` on the calling thread, which holds the run slot (see
    /// ``claimForInlineCall()``), then gives the slot back, scheduling the service on its pool
    /// if messages or jobs arrived meanwhile. Blocks only if the method does. Costs, beyond
    /// the method: two thread-local writes, two counter reads for busy time when statistics
    /// are on (``nano_ticks()``), and a clock read when metrics are.
    @inlinable
    func handleInline(_ envelope: consuming Envelope) {
        let loop = pooled.unsafelyUnwrapped.loop
        let outer = nano_current_service()
        nano_set_current_service(Unmanaged.passUnretained(self).toOpaque())
        // The clock only for metrics' queue wait; busy time from the cheaper counter.
        let start = recordsTimings ? nano_monotonic_ns() : 0
        let began = countsMessages ? nano_ticks() : 0
        handleTaken(consume envelope, on: &loop.pointee.instance!, methods: &loop.pointee.methods, batchStart: start)
        if countsMessages { statistics.addBusy(ticksFrom: began, to: nano_ticks()) }
        // A supervised instance that failed in the method is dropped now, while the slot is
        // held, as the loop would: no later inline call may reach it.
        if instanceFailed { instanceDidFail(&loop.pointee) }
        nano_set_current_service(outer)
        releaseRunSlot()
    }

    /// Gives back the run slot claimed by ``claimForInlineCall()``; schedules the service if
    /// work arrived while it was held (senders saw it busy and only queued).
    @inlinable
    func releaseRunSlot() {
        if mailbox.releaseClaim() { mailbox.poolSlot!.schedule() }
    }
}
