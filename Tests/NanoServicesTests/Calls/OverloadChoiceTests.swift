import InMemoryLogging
import Logging
import NanoServices
import Testing

/// Which overload of a call the compiler picks. The blocking overloads are
/// `@available(*, noasync)`, so async code cannot pick them by accident (a compile-time error);
/// these tests check at run time that `try await` runs the async overload: the blocking one,
/// called from a task, would be reported as "blocking call ... from a task".
@Suite("Overload choice between blocking and async")
struct OverloadChoiceTests {
    @Test("'try await' in an async function runs the async overload")
    func awaitSelectsAsyncOverload() async throws {
        let logs = InMemoryLogHandler()
        let counter = try Counter.Service(start: 7, options: .init(logger: Logger(label: "test") { _ in logs }))
        #expect(try await counter.current() == 7)
        #expect(try await counter.plus(1) == 8)
        try await counter.control.stop()
        #expect(!logs.entries.contains { "\($0.message)".contains("blocking call") })
    }

    @Test("'try await' in a task group's child task runs the async overload")
    func awaitInTaskGroupSelectsAsyncOverload() async throws {
        let logs = InMemoryLogHandler()
        let counter = try Counter.Service(start: 1, options: .init(logger: Logger(label: "test") { _ in logs }))
        let sum = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { try await counter.current() } }
            return try await group.reduce(0, +)
        }
        #expect(sum == 8)
        try await counter.control.stop()
        #expect(!logs.entries.contains { "\($0.message)".contains("blocking call") })
    }
}
