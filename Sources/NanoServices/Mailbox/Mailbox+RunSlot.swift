/// The run slot of a pooled service, as a caller claims it to run a call inline.
///
/// A pooled service's consumer is *parked* (`consumerParked`) when it last found nothing to do:
/// then no thread runs it and none will until a send schedules it. Whoever turns
/// `consumerParked` from `true` to `false` under the mailbox lock owns the service's run slot:
/// a sender (which then schedules the service on its pool), ``close(_:)``, or a caller through
/// ``claimIfIdle()``. While the slot is claimed, senders only append (they see the consumer
/// not parked), so at most one thread ever runs the service.
extension Mailbox {
    /// Claims the run slot if the consumer is parked with nothing queued, nothing to run and
    /// no stop requested: then no message was sent before the caller's and not yet handled,
    /// so handling the caller's message now keeps the mailbox order. Any thread; one
    /// uncontended lock round trip.
    @inlinable
    func claimIfIdle() -> Bool {
        lock.withLock { state.pointee.claimIfIdle() }
    }

    /// Gives the run slot claimed by ``claimIfIdle()`` back. Returns `true` when work arrived
    /// meanwhile (a message, a job, a stop): the consumer stays marked not parked and the
    /// caller must schedule it, exactly as a sender that found it parked would. Otherwise the
    /// consumer is parked again and the next send schedules it. The claiming thread; one
    /// uncontended lock round trip.
    @inlinable
    func releaseClaim() -> Bool {
        lock.withLock { state.pointee.releaseClaim() }
    }
}
