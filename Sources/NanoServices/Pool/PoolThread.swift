import CNanoServicesShims

/// What a pool thread knows about itself: the pool it belongs to. Lets code running on the
/// thread (a slice, or a call run inline from a slice) find the pool whose thread it holds,
/// whichever service it runs at the moment.
///
/// Lifetime: created by the pool thread when it starts and released when it ends; published
/// in a thread-local slot (unretained) meanwhile. Thread safety: touched only by its thread.
@usableFromInline
final class PoolThread {
    /// The pool this thread belongs to (each pool thread holds its pool strongly).
    @usableFromInline unowned(unsafe) let pool: ServicePool

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
    static func run(for pool: ServicePool, _ body: () -> Void) {
        let thread = PoolThread(pool: pool)
        nano_set_current_pool_thread(Unmanaged.passUnretained(thread).toOpaque())
        body()
        nano_set_current_pool_thread(nil)
        withExtendedLifetime(thread) {}
    }
}
