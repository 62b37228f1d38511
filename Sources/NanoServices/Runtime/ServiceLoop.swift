/// What a service's loop keeps between two steps: the instance, the batches in hand, and the
/// thread's private caches. On a service's own thread it lives on that thread's stack; a
/// pooled service keeps it on the heap (``ServiceCore/PooledLoop``).
///
/// Not thread-safe: touched only by the thread running the service at the moment.
@usableFromInline
struct ServiceLoop<Envelope, Instance>: ~Copyable {
    /// `nil` before the initializer has run, if it threw, and once the service has ended.
    @usableFromInline var instance: Instance?
    @usableFromInline var batch = MessageBuffer<Envelope>()
    @usableFromInline var jobs = ContiguousArray<UnownedJob>()
    /// Messages taken from the mailbox while an `async` method held the service.
    @usableFromInline var held = MessageBuffer<Envelope>()
    @usableFromInline var methods = MethodStatisticsCache()
    // The one-byte fields last, packed after the cache's flag: 120 bytes in all (a pooled
    // service keeps this on the heap).
    @usableFromInline var knownClose: StopMode? = nil
    /// A supervised service whose instance failed: no instance, messages stay queued until
    /// its supervisor rebuilds it (Supervision/ServiceCore+Restart.swift).
    @usableFromInline var awaitingRestart = false

    @inlinable
    init() {}
}

extension ServiceCore {
    @usableFromInline typealias Loop = ServiceLoop<Envelope, Message.Instance>
}
