import Foundation
import InMemoryLogging
import Logging
import Synchronization

/// The log records of the services of one program, kept in memory so that the test can check
/// that nothing went wrong quietly.
///
/// Thread-safe: `InMemoryLogHandler` stores its records under a lock, so every service thread can
/// log through `logger` while the test reads `problems`.
struct CapturedLogs: Sendable {
    private let handler = InMemoryLogHandler()

    /// A logger for `ServiceOptions(logger:)`; records `info` and above.
    var logger: Logger {
        let handler = handler
        return Logger(label: "readme-programs") { _ in handler }
    }

    /// Every record at `warning` or worse, rendered with its metadata for a readable failure.
    var problems: [String] {
        handler.entries
            .filter { $0.level >= .warning }
            .map { "\($0.level) \($0.message) \($0.metadata)" }
    }
}

/// Runs `body` on `count` new plain OS threads (no Swift concurrency task: the blocking overloads
/// of calls are meant for them) and returns their results in thread order once all have ended.
///
/// The awaiting task suspends; it does not hold a thread while the plain threads run.
func onPlainThreads<Result: Sendable>(
    count: Int,
    _ body: @escaping @Sendable (_ index: Int) throws -> Result
) async throws -> [Result] {
    try await withThrowingTaskGroup(of: (Int, Result).self) { group in
        for index in 0..<count {
            group.addTask {
                let result = try await withCheckedThrowingContinuation { continuation in
                    Thread { continuation.resume(with: Swift.Result { try body(index) }) }.start()
                }
                return (index, result)
            }
        }
        var results: [(Int, Result)] = []
        for try await result in group { results.append(result) }
        return results.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

/// A one-way gate: `wait()` blocks the calling thread until `open()` has been called (at once
/// afterwards). Used to hold a pipeline stage still while its upstream fills up.
final class Gate: Sendable {
    private let isOpen = Mutex(false)
    private let opened = DispatchSemaphore(value: 0)

    /// Blocks the calling thread (a service's own thread here) until the gate is open.
    func wait() {
        if isOpen.withLock({ $0 }) { return }
        opened.wait()
        opened.signal()  // let the next waiter through too
    }

    /// Opens the gate for every present and future waiter; any thread.
    func open() {
        isOpen.withLock { $0 = true }
        opened.signal()
    }
}
