import NanoServices
import Testing

@Suite("Service pools: shutdown while services end on their own")
struct PoolShutdownRaceTests {
    /// Spawns `count` pooled counters, gives each some work, and drops every handle, so that
    /// they all stop (and free themselves on the pool threads) as the caller goes on.
    @inline(never)
    static func spawnAndRelease(_ count: Int, on pool: ServicePool) throws {
        var counters: [Counter.Service] = []
        for _ in 0..<count {
            let counter = try Counter.Service(start: 0, options: .init(placement: .pool(pool)))
            counter.increment()
            counters.append(counter)
        }
        counters.removeAll()
    }

    // The nano-bench crash ("corrupted double-linked list" after a case's teardown): the
    // benchmark released its handles and shut the pool down at once; `shutdown` copied the
    // live services unretained under the pool's lock and retained them after releasing it,
    // while the services, stopping because their last handle was gone, freed themselves on
    // the pool threads. The Address and Thread Sanitizers report the use after free at once;
    // a plain build crashes now and then.
    @Test("shutdown right after the last handles are released: no service is touched after it is freed",
          .timeLimit(.minutes(15)))
    func shutdownWhileServicesEnd() async throws {
        for round in 0..<20 {
            let pool = ServicePool(name: "pt-race-\(round % 10)", threads: 2)
            try Self.spawnAndRelease(500, on: pool)
            try await pool.shutdown()
            #expect(pool.isShutDown)
            #expect(pool.threadCounts == (alive: 0, blocked: 0))
        }
    }
}
