import Foundation

/// A `SerialExecutor` that runs its jobs on one dedicated thread, the way a user pins an actor
/// to a thread: a mutex+condition queue of jobs, drained in batches.
///
/// Thread safety: `enqueue` may be called from any thread; `jobs` and `stopping` are guarded
/// by `condition`; `threadID` is written once before `init` returns.
final class DedicatedThreadExecutor: SerialExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []   // guarded by `condition`
    private var stopping = false          // guarded by `condition`
    private let started = DispatchSemaphore(value: 0)
    private(set) var threadID: UInt = 0  // written once, before init returns

    init(name: String) {
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
        started.wait()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Ends the thread once the queued jobs have run.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        threadID = currentThreadID()
        started.signal()
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty { condition.unlock(); return }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedSerialExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
