import NanoServices
import Testing

/// How a `StringCache` has been used so far.
struct CacheStatistics: Sendable, Equatable {
    var hits = 0
    var misses = 0
    var entries = 0
}

/// Program 1: a cache service with a bounded mailbox and a call timeout, used at the same time
/// from plain threads (blocking calls) and from tasks (`try await`).
@NanoService
final class StringCache {
    private var values: [String: String] = [:]
    private var statistics = CacheStatistics()

    /// A call although it returns nothing: writers wait until the value is stored, and a writer
    /// that is a task awaits room in the bounded mailbox instead of blocking its thread.
    @Call public func put(_ key: String, _ value: String) {
        values[key] = value
        statistics.entries = values.count
    }

    public func get(_ key: String) -> String? {
        let value = values[key]
        if value == nil { statistics.misses += 1 } else { statistics.hits += 1 }
        return value
    }

    public func usage() -> CacheStatistics { statistics }
}

@Suite("README program 1: a cache used from threads and tasks")
struct CacheProgramTests {
    static let writersPerKind = 4
    static let keysPerWriter = 50

    @Test("threads block and tasks await on the same bounded cache; every write is read back", .timeLimit(.minutes(15)))
    func threadsAndTasksShareTheCache() async throws {
        let logs = CapturedLogs()
        let cache = try StringCache.Service(options: .init(
            logger: logs.logger,
            callTimeout: .seconds(60),  // a limit for calls that should never take that long
            mailbox: .bounded(capacity: 4, whenFull: .block)))  // 8 writers: some wait for room

        // Plain threads: the blocking overloads.
        // (`#expect` needs the test's task, so the threads return what they read.)
        async let threadReads = onPlainThreads(count: Self.writersPerKind) { writer in
            var reads = [try cache.get("thread-\(writer)-missing")]
            for key in 0..<Self.keysPerWriter {
                try cache.put("thread-\(writer)-\(key)", "value \(key)")
                reads.append(try cache.timingOut(after: .seconds(60)).get("thread-\(writer)-\(key)"))
            }
            return reads
        }
        // Tasks: the async overloads, chosen by `try await`.
        let taskMisses = try await withThrowingTaskGroup(of: String?.self) { group in
            for writer in 0..<Self.writersPerKind {
                group.addTask {
                    let miss = try await cache.get("task-\(writer)-missing")
                    for key in 0..<Self.keysPerWriter {
                        try await cache.put("task-\(writer)-\(key)", "value \(key)")
                        let value = try await cache.get("task-\(writer)-\(key)")
                        #expect(value == "value \(key)")
                    }
                    return miss
                }
            }
            var misses: [String?] = []
            for try await miss in group { misses.append(miss) }
            return misses
        }

        let expectedReads: [String?] = [nil] + (0..<Self.keysPerWriter).map { "value \($0)" }
        #expect(try await threadReads == Array(repeating: expectedReads, count: Self.writersPerKind))
        #expect(taskMisses == Array(repeating: nil, count: Self.writersPerKind))
        let writes = 2 * Self.writersPerKind * Self.keysPerWriter
        #expect(try await cache.usage() == CacheStatistics(hits: writes, misses: 2 * Self.writersPerKind, entries: writes))

        try await cache.control.stop()
        #expect(cache.control.droppedCasts == 0)
        #expect(logs.problems == [])
    }

    /// README, "Blocking from a task": a synchronous `@Test` runs inside a task, so a blocking
    /// call in it is reported; this is why the program above makes its blocking calls on threads.
    @Test("a blocking call in a synchronous @Test is reported: the runner calls it from a task")
    func synchronousTestRunsInATask() throws {
        let logs = CapturedLogs()
        let cache = try StringCache.Service(options: .init(logger: logs.logger))
        #expect(try cache.get("absent") == nil)
        try cache.control.stop()
        #expect(logs.problems.filter { $0.contains("warning blocking call 'get(_:)'") }.count == 1)
    }
}
