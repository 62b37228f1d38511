import Dispatch
import NanoServices
import Synchronization
import Testing

/// Where a ``LifeWitness`` instance was created and released.
final class LifeRecord: Sendable {
    let created = Mutex<(id: UInt, name: String)?>(nil)
    let released = Mutex<(id: UInt, name: String)?>(nil)
}

/// A pooled service that records the threads of its initializer and its `deinit`.
@NanoService
final class LifeWitness {
    private let record: LifeRecord

    init(record: LifeRecord) {
        self.record = record
        record.created.withLock { $0 = (ThreadInfo.currentID, ThreadInfo.currentName) }
    }

    /// A throwing initializer: the spawner waits for it.
    init(record: LifeRecord, failing: Bool) throws {
        struct Refused: Error {}
        if failing { throw Refused() }
        self.record = record
        record.created.withLock { $0 = (ThreadInfo.currentID, ThreadInfo.currentName) }
    }

    deinit { record.released.withLock { $0 = (ThreadInfo.currentID, ThreadInfo.currentName) } }

    /// Call: the thread running it.
    public func thread() -> UInt { ThreadInfo.currentID }

    /// Cast: keeps the service busy until `gate` is signalled (after signalling `entered`).
    public func hold(until gate: DispatchSemaphore, entered: DispatchSemaphore) {
        entered.signal()
        gate.wait()
    }
}

@Suite("A pooled service starts and ends on the calling thread when nothing else needs it")
struct InlineLifecycleTests {
    @Test("spawned from a plain thread: created there; stopped while idle: released there, stopped before join",
          .timeLimit(.minutes(15)))
    func plainThreadStartsAndEnds() async throws {
        let pool = ServicePool(name: "life-inl", threads: 1)
        let record = LifeRecord()
        let (caller, ranOn, stateAfterRequest) = try await runOnNewThread { () -> (UInt, UInt, ServiceState) in
            let witness = try LifeWitness.Service(record: record, options: .init(placement: .pool(pool)))
            let ranOn = try witness.thread()
            witness.control.requestStop()
            return (ThreadInfo.currentID, ranOn, witness.control.state)
        }
        #expect(record.created.withLock { $0?.id } == caller)
        #expect(ranOn == caller)  // idle after its start: the call ran inline as well
        #expect(stateAfterRequest == .stopped)
        #expect(record.released.withLock { $0?.id } == caller)
        try await pool.shutdown()
    }

    @Test("spawned from a task: created on a pool thread (an initializer may block)", .timeLimit(.minutes(15)))
    func taskSpawnUsesThePool() async throws {
        let pool = ServicePool(name: "life-task", threads: 1)
        let record = LifeRecord()
        let witness = try LifeWitness.Service(record: record, options: .init(placement: .pool(pool)))
        _ = try await witness.thread()  // answered after the instance exists
        #expect(record.created.withLock { $0?.name }?.hasPrefix("life-task-") == true)
        // A stop requested from a task is not run inline either: the pool releases it.
        try await witness.control.stop()
        #expect(record.released.withLock { $0?.name }?.hasPrefix("life-task-") == true)
        try await pool.shutdown()
    }

    @Test("spawned from a task with a throwing initializer: the task's thread runs it (it waits for it anyway)",
          .timeLimit(.minutes(15)))
    func taskSpawnWithThrowingInitializerRunsItThere() async throws {
        let pool = ServicePool(name: "life-wait", threads: 1)
        let record = LifeRecord()
        let witness = try LifeWitness.Service(record: record, failing: false, options: .init(placement: .pool(pool)))
        let created = try #require(record.created.withLock { $0 })
        #expect(!created.name.hasPrefix("life-wait-"))
        #expect(try await witness.thread() != 0)
        try await witness.control.stop()
        try await pool.shutdown()
    }

    @Test("the last handle released on a plain thread while the service is idle: the instance is released on that thread",
          .timeLimit(.minutes(15)))
    func lastHandleReleasedInline() async throws {
        let pool = ServicePool(name: "life-last", threads: 1)
        let record = LifeRecord()
        let caller = try await runOnNewThread { () -> UInt in
            do {
                let witness = try LifeWitness.Service(record: record, options: .init(placement: .pool(pool)))
                _ = try witness.thread()
            }  // the only handle goes here
            return ThreadInfo.currentID
        }
        #expect(record.released.withLock { $0?.id } == caller)
        try await pool.shutdown()
    }

    @Test("a stop that finds the service busy leaves the end to its pool, after the method",
          .timeLimit(.minutes(15)))
    func busyServiceEndsOnItsPool() async throws {
        let pool = ServicePool(name: "life-busy", threads: 1)
        let record = LifeRecord()
        let gate = DispatchSemaphore(value: 0)
        let entered = DispatchSemaphore(value: 0)
        let state = try await runOnNewThread { () -> ServiceState in
            let witness = try LifeWitness.Service(record: record, options: .init(placement: .pool(pool)))
            witness.hold(until: gate, entered: entered)
            entered.wait()
            witness.control.requestStop()
            let state = witness.control.state
            gate.signal()
            try witness.control.join()
            return state
        }
        #expect(state == .stopping)
        #expect(record.released.withLock { $0?.name }?.hasPrefix("life-busy-") == true)
        try await pool.shutdown()
    }

    @Test("a throwing initializer run on the spawning thread fails the spawn, and the service ends",
          .timeLimit(.minutes(15)))
    func failingInitializerOnTheCaller() async throws {
        let pool = ServicePool(name: "life-fail", threads: 1)
        let rejected = try await runOnNewThread { () -> Bool in
            do {
                _ = try Journal.Service(path: "", options: .init(placement: .pool(pool)))
                return false
            } catch {
                return error is OpenFailed
            }
        }
        #expect(rejected)
        // The failed service leaves the pool: shutdown would wait for it otherwise.
        try await pool.shutdown()
    }
}
