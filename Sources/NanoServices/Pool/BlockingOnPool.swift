extension _ServiceContext {
    /// Runs `body`, which blocks the calling thread, telling the pool when the calling thread
    /// is a pool thread (running a pooled service, or a call run inline on it): the thread is
    /// counted out meanwhile, and the pool starts or wakes another if services are waiting
    /// (see ``ServicePool``). Any thread; costs one thread-local read on other threads.
    @usableFromInline
    static func blockingPoolThread<Result>(_ body: () throws -> Result) rethrows -> Result {
        guard let pool = PoolThread.currentPool else { return try body() }
        pool.willBlock()
        defer { pool.didUnblock() }
        return try body()
    }
}
