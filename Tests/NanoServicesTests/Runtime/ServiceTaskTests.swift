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
}
