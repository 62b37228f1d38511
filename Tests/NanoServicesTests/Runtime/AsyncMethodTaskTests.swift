@testable import NanoServices
import Testing

/// A service whose holding `async` methods report whether their task was cancelled.
@NanoService
final class CancellationProbe {
    private let generation: Int
    private var steps: [Int] = []

    init(generation: Int) { self.generation = generation }

    /// Records `value` after a suspension; returns whether the method's task was cancelled.
    public func step(_ value: Int) async -> Bool {
        let cancelled = Task.isCancelled
        await Task.yield()
        steps.append(value)
        return cancelled || Task.isCancelled
    }

    /// Holds the service until its task is cancelled; opens `started` first.
    public func sleepUntilCancelled(started: AsyncGate) async -> Int {
        started.open()
        try? await Task.sleep(for: .seconds(3_600))
        return generation
    }

    public func recorded() -> [Int] { steps }
    public func currentGeneration() -> Int { generation }
    public func failNow() { CurrentService.fail(WorkerCrash(reason: "asked to")) }
}

/// The tasks of holding `async` methods (Runtime/AsyncMethods.swift): they run in order, one
/// method's cancellation never reaches the next, and none keeps its service alive once it has
/// ended.
@Suite("Async methods: their tasks", .timeLimit(.minutes(15)))
struct AsyncMethodTaskTests {
    @Test("holding methods run in order, each in an uncancelled task",
          arguments: [false, true])
    func methodsRunInOrder(pooled: Bool) async throws {
        let pool = ServicePool(name: "async-order", threads: 1)
        let probe = try CancellationProbe.Service(
            generation: 1, options: .init(placement: pooled ? .pool(pool) : .ownThread))
        for value in 0..<200 { #expect(try await probe.step(value) == false) }
        #expect(try await probe.recorded() == Array(0..<200))
        try await probe.control.stop()
        try await pool.shutdown()
    }

    @Test("a method cancelled by a restart does not leave the next method a cancelled task")
    func restartDoesNotCarryCancellation() async throws {
        let supervisor = Supervisor(name: "async-restart-next", strategy: .oneForAll, backoff: .none)
        let generations = Protected(0)
        let make: @Sendable () -> CancellationProbe = {
            CancellationProbe(generation: generations.withLock { $0 += 1; return $0 })
        }
        let holder = try supervisor.start(CancellationProbe.self, make)
        let failer = try supervisor.start(CancellationProbe.self, make)
        #expect(try await holder.step(1) == false)
        let started = AsyncGate()
        let answer = Task { try await holder.sleepUntilCancelled(started: started) }
        await started.wait()
        failer.failNow()  // one-for-all: the holder's instance is dropped, its method cancelled
        await #expect { try await answer.value } throws: { ($0 as? ServiceError)?.code == .restarted }
        #expect(try await holder.currentGeneration() > 1)
        for value in 2..<10 { #expect(try await holder.step(value) == false) }
        await supervisor.stop()
    }

    @Test("a service that ran holding methods is freed once it ends: their tasks keep nothing alive",
          arguments: [false, true])
    func serviceIsFreed(pooled: Bool) async throws {
        let pool = ServicePool(name: "async-free", threads: 1)
        var probe: CancellationProbe.Service? = try CancellationProbe.Service(
            generation: 1, options: .init(placement: pooled ? .pool(pool) : .ownThread))
        for value in 0..<3 { _ = try await probe?.step(value) }
        weak let core = probe?._$runtime.core
        let control = probe!.control
        probe = nil
        try await control.stop()
        _ = consume control
        // A task ends on its own after its method: poll with a bound, no fixed sleep.
        let deadline = ContinuousClock.now + .seconds(60)
        while core != nil && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
        #expect(core == nil)
        try await pool.shutdown()
    }
}
