import NanoServices
import Testing

@Suite("Supervision: strategies", .timeLimit(.minutes(15)))
struct StrategyTests {
    /// Three workers a, b, c started in that order under `strategy`; b crashes.
    func crashMiddle(_ strategy: Supervisor.Strategy) async throws -> (generations: [Int], journal: [String]) {
        let journal = RestartJournal()
        let supervisor = Supervisor(name: "strategy-\(strategy)", strategy: strategy, backoff: .none)
        let a = try supervisor.start(Worker.self) { Worker("a", journal: journal) }
        let b = try supervisor.start(Worker.self) { Worker("b", journal: journal) }
        let c = try supervisor.start(Worker.self) { Worker("c", journal: journal) }
        for worker in [a, b, c] { #expect(try await worker.currentGeneration() == 1) }
        b.crash("boom")
        // Queued messages wait for the new instance: this call is answered by b's second one.
        #expect(try await b.currentGeneration() == 2)
        let generations = [try await a.currentGeneration(), try await b.currentGeneration(), try await c.currentGeneration()]
        await supervisor.stop()
        #expect(supervisor.restarts == 1)
        return (generations, journal.all)
    }

    @Test("one-for-one restarts only the failed child")
    func oneForOne() async throws {
        let (generations, journal) = try await crashMiddle(.oneForOne)
        #expect(generations == [1, 2, 1])
        #expect(journal.filter { $0.hasPrefix("start") && $0.hasSuffix("#2") } == ["start b#2"])
    }

    @Test("one-for-all takes the others down in reverse start order, then rebuilds all in start order")
    func oneForAll() async throws {
        let (generations, journal) = try await crashMiddle(.oneForAll)
        #expect(generations == [2, 2, 2])
        let restart = journal.filter { !$0.hasPrefix("start") || $0.hasSuffix("#2") }.prefix(6)
        #expect(Array(restart) == ["release b#1", "release c#1", "release a#1", "start a#2", "start b#2", "start c#2"])
    }

    @Test("rest-for-one restarts the failed child and those started after it")
    func restForOne() async throws {
        let (generations, journal) = try await crashMiddle(.restForOne)
        #expect(generations == [1, 2, 2])
        let restart = journal.filter { !$0.hasPrefix("start") || $0.hasSuffix("#2") }.prefix(4)
        #expect(Array(restart) == ["release b#1", "release c#1", "start b#2", "start c#2"])
    }

    @Test("a pooled child is restarted in place too")
    func pooledChild() async throws {
        let pool = ServicePool(name: "supervised-pool", threads: 1)
        let journal = RestartJournal()
        let supervisor = Supervisor(name: "pooled", backoff: .none)
        let worker = try supervisor.start(Worker.self, options: .init(placement: .pool(pool))) { Worker("p", journal: journal) }
        worker.append(1)
        worker.crash("boom")
        worker.append(2)
        #expect(try await worker.contents() == [2])
        #expect(try await worker.currentGeneration() == 2)
        await supervisor.stop()
        try await pool.shutdown()
    }
}
