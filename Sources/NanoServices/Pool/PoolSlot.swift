/// What a pooled service's mailbox needs to wake its consumer: the pool, and the service to
/// schedule on it.
///
/// Lifetime: created with the service; `service` is unowned because the service owns its
/// mailbox, which owns this slot, and it keeps itself alive until its last slice has run.
/// Thread safety: `service` is set once, before any message can be sent.
@usableFromInline
final class PoolSlot: @unchecked Sendable {
    let pool: ServicePool
    unowned(unsafe) var service: _ServiceContext? = nil

    init(pool: ServicePool) { self.pool = pool }

    /// Queues the service on its pool. Called by a sender that found the service idle.
    @usableFromInline
    func schedule() { pool.schedule(service!) }
}
