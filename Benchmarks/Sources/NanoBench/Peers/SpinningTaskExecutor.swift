import Foundation
import Synchronization

/// The floor of an `async` method that runs in a task of its own on another thread (what a
/// service's `async` method is, and what keeps it cancellable apart from its caller): a
/// `TaskExecutor` whose one thread spins on its queue, never parking, and a caller that spins
/// on the answer instead of suspending. No library, no mailbox, no reply object, no
/// bookkeeping — only the task's creation, its jobs on the executor's thread and the two
/// cross-thread hand-offs (there and back). A service's `async` method cannot be faster.
///
/// Thread safety: `enqueue` from any thread; `jobs` is guarded by `lock`; `queued` and
/// `stopping` are atomics; the thread runs the jobs.
final class SpinningTaskExecutor: TaskExecutor, @unchecked Sendable {
    private let lock = NSLock()
    private var jobs: [UnownedJob] = []  // guarded by `lock`
    private let queued = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let ended = DispatchSemaphore(value: 0)

    init(name: String) {
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        lock.lock()
        jobs.append(job)
        lock.unlock()
        queued.add(1, ordering: .releasing)
    }

    /// Ends the thread once the queued jobs have run, and waits for it.
    func shutdown() {
        stopping.store(true, ordering: .releasing)
        ended.wait()
    }

    private func loop() {
        var batch: [UnownedJob] = []
        while true {
            if queued.load(ordering: .acquiring) == 0 {
                if stopping.load(ordering: .acquiring) { break }
                continue
            }
            lock.lock()
            swap(&batch, &jobs)
            lock.unlock()
            queued.subtract(batch.count, ordering: .relaxed)
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
        ended.signal()
    }

    /// One round trip: a task preferring this executor runs `body` (which awaits like the
    /// benchmarked method), and the calling task spins until the task has stored the answer.
    func roundTrip(_ value: Int, _ body: @escaping @Sendable (Int) async -> Int) -> Int {
        let answer = SpunAnswer()
        Task(executorPreference: self) {
            answer.value = await body(value)
            answer.ready.store(true, ordering: .releasing)
        }
        while !answer.ready.load(ordering: .acquiring) {}
        return answer.value
    }
}

/// The answer of ``SpinningTaskExecutor/roundTrip(_:_:)``: written once by the task before
/// `ready` is set, read once after (the atomic orders them).
private final class SpunAnswer: @unchecked Sendable {
    let ready = Atomic<Bool>(false)
    var value = 0
}
