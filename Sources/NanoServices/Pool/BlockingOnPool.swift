extension _ServiceContext {
    /// Runs `body`, which blocks the calling thread, telling the pool when the caller is a
    /// pooled service: its pool thread is counted out meanwhile, and the pool starts or wakes
    /// another if services are waiting (see ``ServicePool``). Any thread; costs one
    /// thread-local read when the caller is not pooled.
    @usableFromInline
    static func blockingPoolThread<Result>(_ body: () throws -> Result) rethrows -> Result {
        guard let pool = current?.pool else { return try body() }
        pool.willBlock()
        defer { pool.didUnblock() }
        return try body()
    }
}
