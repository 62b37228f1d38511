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
        let entry = enterInline()
        // The clock only for metrics' queue wait.
        let start = recordsTimings ? nano_monotonic_ns() : 0
        handleTaken(consume envelope, on: &loop.pointee.instance!, methods: &loop.pointee.methods, batchStart: start)
        leaveInline(entry)
    }

    /// What ``leaveInline(_:)`` restores and measures.
    @usableFromInline
    struct InlineEntry {
        /// The thread's current service before the callee's method (`nil` for a plain thread).
        @usableFromInline let outer: UnsafeMutableRawPointer?
        /// ``nano_ticks()`` when the method began, 0 without statistics.
        @usableFromInline let began: UInt64
        @inlinable init(outer: UnsafeMutableRawPointer?, began: UInt64) { (self.outer, self.began) = (outer, began) }
    }

    /// Makes this service the calling thread's current one (deadlock detection, nested calls and
    /// `unownedCurrent` see the callee) and starts its busy time. The thread holding the run slot.
    @inlinable @inline(__always)
    func enterInline() -> InlineEntry {
        let outer = nano_current_service()
        nano_set_current_service(Unmanaged.passUnretained(self).toOpaque())
        // Busy time from the counter, cheaper than the clock.
        return InlineEntry(outer: outer, began: countsMessages ? nano_ticks() : 0)
    }

    /// Ends what ``enterInline()`` began and gives the run slot back.
    @inlinable @inline(__always)
    func leaveInline(_ entry: InlineEntry) {
        if countsMessages { statistics.addBusy(ticksFrom: entry.began, to: nano_ticks()) }
        // A supervised instance that failed in the method is dropped now, while the slot is
        // held, as the loop would: no later inline call may reach it.
        if instanceFailed { instanceDidFail(&pooled.unsafelyUnwrapped.loop.pointee) }
        nano_set_current_service(entry.outer)
        releaseRunSlot()
    }

    /// A blocking call to a synchronous method, run directly on an idle pooled service from the
    /// calling thread: `body` calls the method on the instance. No message, envelope or reply
    /// is made (the generated handle's fast path); everything else is as for a call run inline
    /// by ``handleInline(_:)``: the same conditions (a plain thread or a service's, no time
    /// limit, the service idle), the wait-for edge, the counts and metrics, the same errors.
    ///
    /// Returns `nil`, having done nothing, when the call must take the mailbox instead; the
    /// caller then sends the message as usual. Rethrows the method's error and `deadlock`.
    /// Any thread; costs two uncontended lock round trips (claim and release) besides the method.
    @inlinable
    func callDirect<Result>(
        _ method: StaticString, timeoutNanoseconds: Int64?, _ body: (inout Message.Instance) throws -> Result
    ) throws -> Result? {
        guard pooled != nil, timeoutNanoseconds == nil, callTimeoutNanoseconds == nil else { return nil }
        let caller = _ServiceContext.current
        // A service calling itself, and a call from a task, take the message path (which
        // throws, and does not run inline, respectively).
        if caller === self || (caller == nil && Self.isInsideTask) { return nil }
        let start = sendTime
        var handled = true  // what the message path records from here on
        defer { if start != 0 && handled { recordCallDuration(method, since: start) } }
        do {
            if let caller { try caller.beginWaiting(on: self, method: method) }
            defer { caller?.endWaiting() }
            guard claimForInlineCall() else {
                handled = false
                return nil
            }
            let loop = pooled.unsafelyUnwrapped.loop
            countHandled(method, methods: &loop.pointee.methods, enqueuedAt: start, takenAt: start)
            let entry = enterInline()
            defer { leaveInline(entry) }
            do {
                return try body(&loop.pointee.instance!)
            } catch let failure as ServiceFailure {
                // As a reply would: a supervised instance fails, the caller gets `restarted`.
                throw ServiceFailure.intercept(failure)
            }
        } catch {
            noteCallFailed(error, method: method)
            throw error
        }
    }

    /// Gives back the run slot claimed by ``claimForInlineCall()``; schedules the service if
    /// work arrived while it was held (senders saw it busy and only queued).
    @inlinable
    func releaseRunSlot() {
        if mailbox.releaseClaim() { mailbox.poolSlot!.schedule() }
    }
}
