/// What a pooled service's mailbox needs to wake its consumer: the pool, and the service to
/// schedule on it. The slot is also what the pool queues: its run queue and its threads'
/// run-next slots hold unretained slots, and a pool thread runs a slice through
/// ``service``.
///
/// Its one subclass is the pooled service's loop (``ServiceCore/PooledLoop``): one object per
/// pooled service for both.
///
/// Lifetime: created with the service; `service` is unowned because the service owns its
/// mailbox, which owns this slot, and it keeps itself alive until its last slice has run.
/// Thread safety: `service` is set once, before any message can be sent; `@unchecked Sendable`
/// is sound because every later access only reads it.
@usableFromInline
class PoolSlot: @unchecked Sendable {
    let pool: ServicePool
    @usableFromInline unowned(unsafe) var service: (any RunningService)? = nil

    @usableFromInline init(pool: ServicePool) { self.pool = pool }

    /// Makes the service ready on its pool. Called by whoever found the service idle and woke
    /// it (a sender, a stop, a caller giving back the run slot). On a thread of the same pool
    /// the service goes into that thread's run-next slot, to run right after the current
    /// slice, and no other thread is woken (see ``PoolThread``); anywhere else it joins the
    /// pool's queue. Any thread.
    @usableFromInline
    func schedule() {
        guard let thread = PoolThread.current, thread.pool === pool else {
            pool.schedule(self)
            return
        }
        if let displaced = thread.offerNext(self) { pool.schedule(displaced.takeUnretainedValue()) }
    }
}
