import InMemoryLogging
import Logging
import MetricsTestKit
import NanoServices
import Testing

@Suite("Supervision: snapshots, metrics and logs show restarts", .timeLimit(.minutes(15)))
struct SupervisionObservabilityTests {
    @Test("a restart is counted in the snapshot and the nano_service_restarts counter, and logged with its reason")
    func restartsAreVisible() async throws {
        let journal = RestartJournal()
        let metrics = SharedBackends.metrics  // bootstrapped before the service starts
        let name = "restarts-\(UInt32.random(in: 0...UInt32.max))"
        let logs = InMemoryLogHandler()
        let logger = Logger(label: "supervision-test") { _ in logs }
        let supervisor = Supervisor(name: "observed", backoff: .none, logger: logger)
        let worker = try supervisor.start(Worker.self, options: .init(name: name, logger: logger)) { Worker("w", journal: journal) }
        worker.crash("disk on fire")
        #expect(try await worker.currentGeneration() == 2)
        let snapshot = worker.control.snapshot()
        #expect(snapshot.restarts == 1)
        #expect(snapshot.description.contains("restarts=1"))
        #expect(metrics.counterTotal(label: "nano_service_restarts", dimensions: [("service", name)]) == 1)
        let failure = logs.entries.first { $0.message.description == "service failed" }
        #expect(failure?.level == .error)
        #expect(failure?.metadata["reason"]?.description.contains("disk on fire") == true)
        #expect(logs.entries.contains { $0.message.description == "restarting after a failure" && $0.level == .warning })
        await supervisor.stop()
    }
}
