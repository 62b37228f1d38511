import NanoServices
import Testing

/// A supervised service whose `async` methods stay suspended while the instance fails.
@NanoService
final class Napper {
    private let generation: Int
    private let entered: Protected<Int>

    init(generation: Int, entered: Protected<Int>) {
        self.generation = generation
        self.entered = entered
    }

    /// Suspended until cancelled; throws `CancellationError` then.
    @Reentrant public func napUntilCancelled() async throws -> Int {
        entered.withLock { $0 += 1 }
        try await Task.sleep(for: .seconds(3_600))
        return generation
    }

    /// Ignores cancellation: answers with its generation once `gate` opens.
    @Reentrant public func nap(until gate: AsyncGate) async -> Int {
        entered.withLock { $0 += 1 }
        await gate.wait()
        return generation
    }

    /// A non-reentrant method: holds the service while it waits (a supervisor can still take
    /// the instance down, for example in a one-for-all restart).
    public func hold(until gate: AsyncGate) async -> Int {
        entered.withLock { $0 += 1 }
        await gate.wait()
        return generation
    }

    public func currentGeneration() -> Int { generation }
    public func failNow() { CurrentService.fail(WorkerCrash(reason: "asked to")) }
}

@Suite("Supervision: calls in the hands of a failed instance's async methods", .timeLimit(.minutes(15)))
struct AsyncCallRestartTests {
    private static func start(_ supervisor: Supervisor, entered: Protected<Int>) throws -> Napper.Service {
        let generations = Protected(0)
        return try supervisor.start(Napper.self) {
            Napper(generation: generations.withLock { $0 += 1; return $0 }, entered: entered)
        }
    }

    @Test("a suspended @Reentrant call fails with `restarted` when the instance fails, not with the cancellation")
    func cancelledMethodCallerGetsRestarted() async throws {
        let supervisor = Supervisor(name: "async-restart", backoff: .none)
        let entered = Protected(0)
        let napper = try Self.start(supervisor, entered: entered)
        let answer = Task { try await napper.napUntilCancelled() }
        await eventually { entered.withLock { $0 } >= 1 }
        napper.failNow()
        await #expect { try await answer.value } throws: { ($0 as? ServiceError)?.code == .restarted }
        #expect(try await napper.currentGeneration() == 2)
        await supervisor.stop()
    }

    @Test("a method that ignores the cancellation answers late: its answer is dropped, the caller got `restarted`")
    func lateAnswerIsDropped() async throws {
        let supervisor = Supervisor(name: "async-late", backoff: .none)
        let entered = Protected(0)
        let napper = try Self.start(supervisor, entered: entered)
        let gate = AsyncGate()
        let answer = Task { try await napper.nap(until: gate) }
        await eventually { entered.withLock { $0 } >= 1 }
        napper.failNow()
        #expect(try await napper.currentGeneration() == 2)  // restarted
        gate.open()  // the old instance's method now returns 1; nobody may see it
        await #expect { try await answer.value } throws: { ($0 as? ServiceError)?.code == .restarted }
        await supervisor.stop()
    }

    @Test("one-for-all or rest-for-one takes down a sibling whose non-reentrant call is suspended: that call fails with `restarted`",
          arguments: [Supervisor.Strategy.oneForAll, .restForOne])
    func takenDownSiblingCallFails(strategy: Supervisor.Strategy) async throws {
        let supervisor = Supervisor(name: "async-\(strategy)", strategy: strategy, backoff: .none)
        let entered = Protected(0)
        let holder: Napper.Service
        let failer: Napper.Service
        if strategy == .restForOne {
            // Rest-for-one takes down the children started after the failed one.
            failer = try Self.start(supervisor, entered: Protected(0))
            holder = try Self.start(supervisor, entered: entered)
        } else {
            holder = try Self.start(supervisor, entered: entered)
            failer = try Self.start(supervisor, entered: Protected(0))
        }
        let gate = AsyncGate()
        // A time limit, so that without the runtime's answer this test fails instead of waiting
        // for the gate forever; with it, the answer comes at the take-down.
        let limited = holder.timingOut(after: .seconds(600))
        let answer = Task { try await limited.hold(until: gate) }
        await eventually { entered.withLock { $0 } >= 1 }
        failer.failNow()
        await #expect { try await answer.value } throws: { ($0 as? ServiceError)?.code == .restarted }
        gate.open()
        #expect(try await holder.currentGeneration() == 2)
        await supervisor.stop()
    }
}
