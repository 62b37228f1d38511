import CNanoServicesShims

/// What a pool thread knows about itself: the pool it belongs to, and its *run-next slot*.
///
/// Run-next (Go's `runnext`, Tokio's LIFO slot): when code running on a pool thread makes a
/// service of the same pool ready (a cast or call to an idle service, an answer that resumes
/// an `async` method), the service goes into this thread's slot instead of the pool's queue,
/// and no other thread is woken: the sender is about to finish, and the thread runs the
/// service right after the current slice, while the message is hot in its cache. A newer
/// service displaces the older one to the pool's queue. The slot is bounded like Tokio's:
/// after ``maxRunsInARow`` slices in a row taken from it, the next service in it goes to the
/// back of the pool's queue, so a pair of services that message each other cannot starve
/// the others. A thread about to block in a call (see ``ServicePool/willBlock()``) first
/// hands its slot's service to the pool's queue and wakes a thread for it.
///
/// Lifetime: created by the pool thread when it starts and released when it ends; published
/// in a thread-local slot (unretained) meanwhile. Thread safety: touched only by its thread.
@usableFromInline
final class PoolThread {
    /// How many slices in a row a thread takes from its run-next slot (Tokio: 3).
    static var maxRunsInARow: Int { 3 }

    /// The pool this thread belongs to (each pool thread holds its pool strongly).
    @usableFromInline unowned(unsafe) let pool: ServicePool
    /// The service to run after the current slice (kept alive by itself while it has work,
    /// like every queued service).
    private var next: Unmanaged<PoolSlot>?
    /// Slices taken from `next` in a row.
    private var runsInARow = 0

    init(pool: ServicePool) { self.pool = pool }

    /// The calling thread's state if it is a pool thread, else `nil`. One thread-local read.
    @inlinable
    static var current: PoolThread? {
        guard let raw = nano_current_pool_thread() else { return nil }
        return Unmanaged<PoolThread>.fromOpaque(raw).takeUnretainedValue()
    }

    /// The pool whose thread runs the calling code, if any: the pool to tell when this thread
    /// is about to block. Any thread; one thread-local read.
    @inlinable
    static var currentPool: ServicePool? { current?.pool }

    /// Runs `body`, the life of a pool thread of `pool`, with the thread published as one.
    static func run(for pool: ServicePool, _ body: (PoolThread) -> Void) {
        let thread = PoolThread(pool: pool)
        nano_set_current_pool_thread(Unmanaged.passUnretained(thread).toOpaque())
        body(thread)
        nano_set_current_pool_thread(nil)
        withExtendedLifetime(thread) {}
    }

    /// Puts `service`, just made ready, in the run-next slot; returns the service it
    /// displaced, which the caller must queue on the pool.
    func offerNext(_ service: PoolSlot) -> Unmanaged<PoolSlot>? {
        defer { next = Unmanaged.passUnretained(service) }
        return next
    }

    /// Empties the slot (the thread is about to block). Returns what was in it.
    func takeNext() -> Unmanaged<PoolSlot>? {
        defer { next = nil }
        return next
    }

    /// The service to run now from the slot, if any and if the bound allows; otherwise the
    /// slot's service (if any) is returned in `overflow`, for the back of the pool's queue.
    func nextToRun(overflow: inout Unmanaged<PoolSlot>?) -> Unmanaged<PoolSlot>? {
        guard let service = takeNext() else {
            runsInARow = 0
            return nil
        }
        if runsInARow >= Self.maxRunsInARow {
            runsInARow = 0
            overflow = service
            return nil
        }
        runsInARow += 1
        return service
    }
}
