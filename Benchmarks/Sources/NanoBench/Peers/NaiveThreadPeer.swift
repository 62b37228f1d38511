import Foundation

/// What a user writes without a library: a `Thread` serving a queue of closures protected by
/// a mutex and a condition variable (`NSCondition`). The worker takes the whole queue in one
/// lock acquisition (a swap), as a careful user would.
///
/// Thread safety: `queue` and `stopping` are guarded by `condition`; `total` is only touched
/// by closures running on the worker thread.
final class NaiveWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [@Sendable () -> Void] = [] // guarded by `condition`
    private var stopping = false                   // guarded by `condition`
    private let finished = DispatchSemaphore(value: 0)
    var total = 0 // worker thread only

    init() {
        let thread = Thread { [self] in loop() }
        thread.start()
    }

    /// Cast: append a closure and signal.
    func enqueue(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        queue.append(work)
        condition.signal()
        condition.unlock()
    }

    func add(_ amount: Int) { enqueue { self.total &+= amount } }

    /// Call: enqueue, then wait on a semaphore for the answer.
    func echo(_ value: Int) -> Int {
        let done = DispatchSemaphore(value: 0)
        let answer = Slot<Int>()
        enqueue {
            self.total &+= 1
            answer.value = value &+ 1
            done.signal()
        }
        done.wait()
        return answer.value!
    }

    /// Call from async code: enqueue, resume a continuation.
    func echo(_ value: Int) async -> Int {
        await withUnsafeContinuation { continuation in
            enqueue {
                self.total &+= 1
                continuation.resume(returning: value &+ 1)
            }
        }
    }

    /// Returns once every earlier closure has run.
    func flush() {
        let done = DispatchSemaphore(value: 0)
        enqueue { done.signal() }
        done.wait()
    }

    /// Asks the thread to end after the queued closures.
    func requestStop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    /// Waits until the thread has ended.
    func join() { finished.wait() }

    private func loop() {
        var batch: [@Sendable () -> Void] = []
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty { condition.unlock(); break }
            swap(&batch, &queue)
            condition.unlock()
            for work in batch { work() }
            batch.removeAll(keepingCapacity: true)
        }
        finished.signal()
    }
}
