import InMemoryLogging
import Logging
import NanoServices
import Testing

/// A synchronous helper, as real code would have: a blocking call hidden in a sync function.
private func blockingTotal(_ counter: Counter.Service) throws -> Int {
    try counter.current()
}

@Suite("Blocking calls from tasks")
struct BlockingFromTaskTests {
    @Test("a blocking call made inside a Task is reported once per call site, and still completes")
    func reportedOncePerSite() async throws {
        let logs = InMemoryLogHandler()
        let counter = try Counter.Service(start: 41, options: .init(logger: Logger(label: "test") { _ in logs }))
        let answers = try await Task {
            counter.increment()
            var answers: [Int] = []
            for _ in 0..<3 { answers.append(try blockingTotal(counter)) } // one call site, three calls
            return answers
        }.value
        #expect(answers == [42, 42, 42])
        let reports = logs.entries.filter { "\($0.message)".contains("blocking call 'current()'") }
        #expect(reports.count == 1)
        #expect(reports.first?.level == .warning)
        #expect(reports.first?.metadata["service"] == "Counter")
    }

    @Test("a blocking call from a plain thread is not reported")
    func plainThreadNotReported() async throws {
        let logs = InMemoryLogHandler()
        let counter = try Counter.Service(start: 1, options: .init(logger: Logger(label: "test") { _ in logs }))
        let total = try await runOnNewThread { try counter.current() }
        #expect(total == 1)
        #expect(logs.entries.isEmpty)
    }
}
