import NanoServices
import Testing

/// Spawns unstructured tasks from an `async` method: plain ones, and ones given the service's
/// executor.
@NanoService
final class TaskSpawner {
    init() {}

    /// Where a `Task(executorPreference: CurrentService.taskExecutor)` runs: the service's thread?
    public func taskWithServiceExecutorRunsOnServiceThread() async -> Bool {
        let serviceThread = ThreadInfo.currentID
        return await Task(executorPreference: CurrentService.taskExecutor) {
            ThreadInfo.currentID == serviceThread && CurrentService.name == "spawner"
        }.value
    }

    /// Starts a task on the service's executor that waits for `gate`, then yields the name of
    /// the service it runs on (`nil` off every service) into `names`. Returns at once.
    public func startOutliving(_ gate: AsyncGate, _ names: AsyncStream<String?>.Continuation) async {
        Task(executorPreference: CurrentService.taskExecutor) {
            await gate.wait()
            names.yield(CurrentService.name)
        }
    }

    /// Where a plain `Task { }` runs: off the service (Swift does not pass a task executor
    /// preference on to unstructured tasks).
    public func plainTaskRunsOnServiceThread() async -> Bool {
        await Task { CurrentService.name != nil }.value
    }
}

@Suite("Unstructured tasks in async methods")
struct ServiceTaskTests {
    @Test("a task given CurrentService.taskExecutor runs on the service's thread; a plain Task does not")
    func unstructuredTasks() async throws {
        let spawner = try TaskSpawner.Service(options: .named("spawner"))
        #expect(try await spawner.taskWithServiceExecutorRunsOnServiceThread())
        #expect(try await spawner.plainTaskRunsOnServiceThread() == false)
        #expect(CurrentService.taskExecutor == nil)
        try await spawner.control.stop()
    }

    @Test("a task given CurrentService.taskExecutor that outlives its service continues on the global executor",
          arguments: [false, true])
    func taskOutlivesItsService(pooled: Bool) async throws {
        let pool = ServicePool(name: "outlived", threads: 1)
        let spawner = try TaskSpawner.Service(options: .init(name: "outlived", placement: pooled ? .pool(pool) : .ownThread))
        let gate = AsyncGate()
        let (names, continuation) = AsyncStream<String?>.makeStream()
        try await spawner.startOutliving(gate, continuation)
        while gate.waiting == 0 { try await Task.sleep(for: .milliseconds(1)) }  // the task waits
        try await spawner.control.stop()
        gate.open()
        var iterator = names.makeAsyncIterator()
        #expect(await iterator.next() == .some(nil))  // it ran, on no service's thread
        try await pool.shutdown()
    }
}
