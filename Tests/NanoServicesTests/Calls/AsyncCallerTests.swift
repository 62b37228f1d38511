import Foundation
import NanoServices
import Testing

@NanoService
final class Latch {
    private let semaphore: DispatchSemaphore

    init(semaphore: DispatchSemaphore) { self.semaphore = semaphore }

    /// Blocks the *service's* thread until the semaphore is signalled (or 10 s pass).
    public func waitOpen() -> Bool {
        semaphore.wait(timeout: .now() + 10) == .success
    }
}

@Suite("Async callers")
struct AsyncCallerTests {
    @Test("`try await` calls from tasks return the method's answers and errors")
    func asyncCalls() async throws {
        let counter = try Counter.Service(start: 5)
        #expect(try await counter.plus(1) == 6)
        counter.add(1)
        #expect(try await counter.current() == 6)
        await #expect(throws: ResetRefused(total: 6)) { try await counter.checkedReset(allowed: false) }
        try await counter.record("async")
        #expect(try await counter.entries() == ["async"])
    }

    @Test("awaiting calls never block cooperative threads: a task that must run to unblock them does run")
    func awaitingDoesNotBlockThePool() async throws {
        let semaphore = DispatchSemaphore(value: 0)
        let latch = try Latch.Service(semaphore: semaphore)
        let waiters = 32 // far more than the cooperative pool has threads
        let opened = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<waiters {
                group.addTask { try await latch.waitOpen() }
            }
            // Only a task on the cooperative pool can open the latch. If the awaiting callers
            // held the pool's threads, it would never run and every waiter would time out.
            group.addTask {
                for _ in 0..<waiters { semaphore.signal() }
                return true
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(opened.count == waiters + 1)
        #expect(opened.allSatisfy { $0 })
    }
}
