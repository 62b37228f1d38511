import Foundation
import InMemoryLogging
import Logging
import NanoServices
import Testing

@Suite("Observability: logging")
struct ObservabilityLoggingTests {
    @Test("a cast's error and a cast dropped after stop: one record each, with the service's name")
    func castErrorAndDroppedCast() async throws {
        let logs = InMemoryLogHandler()  // level .info: lifecycle records (debug) stay out
        let logger = Logger(label: "observability-test") { _ in logs }
        let service = try Probe.Service(options: .init(name: "logging-probe", logger: logger))
        service.fail()
        _ = try await service.sum()
        try await service.control.stop()
        service.add(1)

        let entries = logs.entries
        #expect(entries.count == 2)
        let failure = entries.first { $0.level == .error }
        #expect(failure?.metadata["service"] == "logging-probe")
        #expect(failure?.metadata["method"] == "fail()")
        #expect(failure?.metadata["error"] == "ObservedFailure()")
        let dropped = entries.first { $0.level == .warning }
        #expect(dropped?.metadata["service"] == "logging-probe")
        #expect(dropped?.metadata["method"] == "add(_:)")
        let droppedMessage = dropped.map { "\($0.message)" } ?? ""
        #expect(droppedMessage.contains("dropping cast"))
    }

    @Test("lifecycle at debug level: started, stopping, stopped")
    func lifecycle() async throws {
        var logs = InMemoryLogHandler()
        logs.logLevel = .debug
        let logger = Logger(label: "observability-test") { [logs] _ in logs }
        let service = try Probe.Service(options: .init(name: "logging-life", logger: logger))
        _ = try await service.sum()
        try await service.control.stop()
        let messages = logs.entries.filter { $0.level == .debug }.map { "\($0.message)" }
        #expect(messages == ["service started", "service stopping", "service stopped"])
        #expect(logs.entries.allSatisfy { $0.metadata["service"] == "logging-life" })
    }

    @Test("a timed-out call is logged once at warning, by the caller, with the service's logger")
    func timeoutIsLogged() async throws {
        let logs = InMemoryLogHandler()
        let logger = Logger(label: "observability-test") { _ in logs }
        let service = try Probe.Service(options: .init(name: "logging-timeout", logger: logger))
        await #expect(throws: ServiceError.self) {
            try await service.timingOut(after: .milliseconds(5)).sleep(milliseconds: 100)
        }
        try await service.control.stop()
        let warnings = logs.entries.filter { $0.level == .warning }
        #expect(warnings.count == 1)
        #expect(warnings.first?.metadata["code"] == "timeout")
        #expect(warnings.first?.metadata["method"] == "sleep(milliseconds:)")
        #expect(warnings.first?.metadata["service"] == "logging-timeout")
    }

    @Test("casts dropped after stop: the first logged at warning, the later ones at debug")
    func droppedCastsAfterStop() async throws {
        var logs = InMemoryLogHandler()
        logs.logLevel = .debug
        let logger = Logger(label: "observability-test") { [logs] _ in logs }
        let service = try Probe.Service(options: .init(name: "logging-drops", logger: logger))
        try await service.control.stop()
        for value in 1...3 { service.add(value) }
        let drops = logs.entries.filter { "\($0.message)".contains("dropping cast") }
        #expect(drops.map(\.level) == [.warning, .debug, .debug])
        #expect(service.control.droppedCasts == 3)
    }

    @Test("casts dropped by a full mailbox: logged at warning with .fail, at debug with .dropNewest",
          arguments: [MailboxPolicy.WhenFull.fail, .dropNewest])
    func droppedCastsWhenFull(whenFull: MailboxPolicy.WhenFull) async throws {
        var logs = InMemoryLogHandler()
        logs.logLevel = .debug
        let logger = Logger(label: "observability-test") { [logs] _ in logs }
        let gate = DispatchSemaphore(value: 0)
        let sink = try Sink.Service(
            counters: SinkCounters(), gate: gate,
            options: .init(name: "logging-full", logger: logger, mailbox: .bounded(capacity: 1, whenFull: whenFull)))
        sink.absorb(0)  // stuck on the gate: the mailbox is full
        sink.absorb(1)
        sink.absorb(2)
        let drops = logs.entries.filter { "\($0.message)".contains("dropping cast") }
        #expect(drops.count == 2)
        #expect(drops.allSatisfy { $0.level == (whenFull == .fail ? .warning : .debug) })
        #expect(drops.allSatisfy { $0.metadata["service"] == "logging-full" })
        gate.signal()
        try await sink.control.stop()
    }

    @Test("a call that would deadlock is logged once at warning, by the caller, with the target's logger")
    func deadlockIsLogged() async throws {
        let logs = InMemoryLogHandler()
        let logger = Logger(label: "observability-test") { _ in logs }
        let service = try SelfWaiter.Service(options: .init(name: "logging-deadlock", logger: logger))
        service.remember(service)
        #expect(try await service.callSelf() == "deadlock")
        service.forget()
        try await service.control.stop()
        let warnings = logs.entries.filter { $0.level == .warning }
        #expect(warnings.count == 1)
        #expect(warnings.first?.metadata["code"] == "deadlock")
        #expect(warnings.first?.metadata["method"] == "value()")
        #expect(warnings.first?.metadata["service"] == "logging-deadlock")
    }
}
