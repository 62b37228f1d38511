import Foundation
import NanoServices
import Testing

/// A pooled service that makes a blocking call.
@NanoService
final class PooledConfirmer {
    init() {}
    /// A blocking call to `sink`, which may first wait for room in its full mailbox.
    public func confirm(_ sink: Sink.Service) throws -> Int {
        try sink.absorbAndConfirm(7)
        return 7
    }
}

@Suite("Pool threads lent while blocked")
struct PoolLendingTests {
    @Test("a pooled blocking call that waits for room counts its thread as blocked once, not twice",
          .timeLimit(.minutes(15)))
    func waitForRoomCountsOnce() async throws {
        let pool = ServicePool(name: "lend-once", threads: 1)
        let gate = DispatchSemaphore(value: 0)
        let counters = SinkCounters()
        let sink = try Sink.Service(
            counters: counters, gate: gate, options: .init(mailbox: .bounded(capacity: 1, whenFull: .block)))
        sink.absorb(0)  // stuck on the gate: the mailbox is full
        let confirmer = try PooledConfirmer.Service(options: .init(placement: .pool(pool)))
        let call = Task { try await confirmer.confirm(sink) }
        // Watch the count while the call waits for room (until it has been seen blocked, then
        // for as many looks again): a double count shows as 2.
        var peak = 0
        var looksAfterBlocked = 0
        while looksAfterBlocked < 10_000 {
            let blocked = pool.threadCounts.blocked
            peak = max(peak, blocked)
            if blocked > 0 { looksAfterBlocked += 1 } else { await Task.yield() }
        }
        gate.signal()
        #expect(try await call.value == 7)
        #expect(peak == 1)
        #expect(pool.threadCounts.blocked == 0)
        try await pool.shutdown()
    }

    @Test("a pooled service spawning one with a throwing initializer on its 1-thread pool lends its thread",
          .timeLimit(.minutes(15)))
    func spawnWaitLendsThePoolThread() async throws {
        let pool = ServicePool(name: "lend-spawn", threads: 1)
        let spawner = try InlineProbe.Service(overlap: Overlap(), options: .init(placement: .pool(pool)))
        // The spawn waits for the initializer, which needs a pool thread: before the fix, the
        // pool's only thread waited for itself.
        #expect(try await spawner.timingOut(after: .seconds(60)).spawnJournal(on: pool) == 0)
        try await pool.shutdown()
    }
}
