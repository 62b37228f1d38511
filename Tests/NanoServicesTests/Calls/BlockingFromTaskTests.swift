import Foundation
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

    @Test("a blocking call from @MainActor code is reported as blocking the main actor's thread, not a cooperative one, whichever thread runs it")
    @MainActor
    func mainActorCodeIsNamedAsSuch() async throws {
        let logs = InMemoryLogHandler()
        let counter = try Counter.Service(start: 7, options: .init(logger: Logger(label: "test") { _ in logs }))
        // After a suspension, Linux resumes main-actor code on the worker thread that drains
        // the main queue, not on the process's main thread.
        try await Task.sleep(for: .milliseconds(1))
        #expect(try blockingTotalFromMainActor(counter) == 7)
        let report = logs.entries.map { "\($0.message)" }.first { $0.contains("blocking call 'current()'") }
        #expect(report?.contains("the main actor's thread") == true)
        #expect(report?.contains("cooperative pool") == false)
    }

    @Test("a cast waiting for room from @MainActor code is reported as blocking the main actor's thread", .timeLimit(.minutes(15)))
    @MainActor
    func mainActorCastWaitingForRoomIsNamedAsSuch() async throws {
        let full = try GatedFullSink()
        try await Task.sleep(for: .milliseconds(1))  // on Linux, now on the worker draining the main queue
        // Detached: the main actor is blocked below.
        let opener = Task.detached { try await full.openWhenReported() }
        castThatMayWaitFromMainActor(full.sink, 1)
        try await opener.value
        let message = try #require(full.report())
        #expect(message.contains("the main actor's thread"))
        #expect(!message.contains("cooperative pool"))
        try await full.sink.control.stop()
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

/// The call site of the main-actor test (reports are once per call site).
private func blockingTotalFromMainActor(_ counter: Counter.Service) throws -> Int {
    try counter.current()
}

/// The call site of the main-actor cast test.
private func castThatMayWaitFromMainActor(_ sink: Sink.Service, _ value: Int) {
    sink.absorb(value)
}

/// One call site, used for two services.
private func blockingTotalFromSharedSite(_ counter: Counter.Service) throws -> Int {
    try counter.current()
}

/// A cast that may wait for room, hidden in a sync helper.
private func castThatMayWait(_ sink: Sink.Service, _ value: Int) {
    sink.absorb(value)
}

@Suite("Blocking waits from tasks: reports")
struct BlockingFromTaskReportTests {
    @Test("one call site calling two services is reported once; each service counts its waits")
    func oncePerSiteAcrossServices() async throws {
        let logs = InMemoryLogHandler()
        let logger = Logger(label: "test") { _ in logs }
        let first = try Counter.Service(start: 1, options: .init(name: "first", logger: logger))
        let second = try Counter.Service(start: 2, options: .init(name: "second", logger: logger))
        let totals = try await Task {
            var totals: [Int] = []
            for counter in [first, second, second] { totals.append(try blockingTotalFromSharedSite(counter)) }
            return totals
        }.value
        #expect(totals == [1, 2, 2])
        let reports = logs.entries.filter { "\($0.message)".contains("blocking call 'current()'") }
        // Where the stack walk is too shallow to tell sites apart, it is once per site and service.
        #expect(reports.count == 1 || (isThreadSanitized && reports.count == 2))
        #expect(reports.allSatisfy { "\($0.message)".contains("cooperative pool") })
        #expect(first.control.snapshot().blockingWaitsFromTasks == 1)
        #expect(second.control.snapshot().blockingWaitsFromTasks == 2)
        #expect(second.control.snapshot().description.contains("blockingWaitsFromTasks=2"))
    }

    @Test("a cast from a task waiting for room gets advice a cast can follow", .timeLimit(.minutes(15)))
    func castWaitingForRoomAdvice() async throws {
        let full = try GatedFullSink()
        let opener = Task { try await full.openWhenReported() }
        let caster = Task { castThatMayWait(full.sink, 1) }
        await caster.value
        try await opener.value
        let message = try #require(full.report())
        #expect(message.contains("a cast cannot be awaited"))
        #expect(message.contains("'@Call'"))
        #expect(!message.contains("use 'try await' to suspend"))
        #expect(full.sink.control.snapshot().blockingWaitsFromTasks == 1)
        try await full.sink.control.stop()
    }
}

/// A `Sink` with a one-message mailbox that blocks senders when full, stuck on its gate with
/// one message in hand and one queued: the next cast waits for room.
private struct GatedFullSink: Sendable {
    let logs = InMemoryLogHandler()
    let gate = DispatchSemaphore(value: 0)
    let sink: Sink.Service

    init() throws {
        let logs = self.logs
        sink = try Sink.Service(
            counters: SinkCounters(), gate: gate,
            options: .init(logger: Logger(label: "test") { _ in logs }, mailbox: .bounded(capacity: 1, whenFull: .block)))
        sink.absorb(0)  // stuck on the gate: the mailbox is full
    }

    /// The report of a blocking cast of `absorb(_:)`, once logged.
    func report() -> String? {
        logs.entries.map { "\($0.message)" }.first { $0.contains("cast 'absorb(_:)'") }
    }

    /// Opens the gate from a plain thread once the cast has been reported (it is reported
    /// before it waits), so that no cooperative thread or the main actor is needed while the
    /// cast blocks one.
    func openWhenReported() async throws {
        try await runOnNewThread { while report() == nil { usleep(1_000) }; gate.signal() }
    }
}
