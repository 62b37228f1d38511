import NanoServices
import Testing

/// A pooled service may answer a blocking call on the caller's thread (an inline call, see
/// Pool/ServiceCore+InlineCall.swift). When such a call fails a supervised instance, the
/// instance must be dropped at once: no later call, inline or queued, may reach it.
@Suite("Supervision: a pooled instance failed by an inline call", .timeLimit(.minutes(15)))
struct SupervisedInlineCallTests {
    @Test("every call after a failure reaches a fresh instance, also when the calls run inline")
    func failedInlineInstanceIsNeverReused() async throws {
        let journal = RestartJournal()
        let pool = ServicePool(name: "sup-inline", threads: 1)
        let supervisor = Supervisor(
            name: "inline", intensity: .init(maxRestarts: 1_000, within: .seconds(3_600)), backoff: .none)
        let worker = try supervisor.start(Worker.self, options: .init(placement: .pool(pool))) {
            Worker("inline", journal: journal)
        }
        let (codes, generations) = try await runOnNewThread { () -> ([ServiceError.Code?], [Int]) in
            var codes: [ServiceError.Code?] = []
            var generations = [try worker.currentGeneration()]
            for _ in 0..<50 {
                do {
                    _ = try worker.breakDown()
                    codes.append(nil)
                } catch let error as ServiceError {
                    codes.append(error.code)
                }
                generations.append(try worker.currentGeneration())
            }
            return (codes, generations)
        }
        #expect(codes.allSatisfy { $0 == .restarted })
        #expect(generations == Array(1...51))  // each call after a failure met a new instance
        await supervisor.stop()
        try await pool.shutdown()
    }
}
