import Foundation

/// Runs `body(index)` on `count` new threads at once and returns when every one has finished.
/// The threads wait at a gate until all have started, so they produce concurrently.
func runOnThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let ready = DispatchSemaphore(value: 0)
    let go = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)
    for index in 0..<count {
        let thread = Thread {
            ready.signal()
            go.wait()
            body(index)
            done.signal()
        }
        thread.start()
    }
    for _ in 0..<count { ready.wait() }
    for _ in 0..<count { go.signal() }
    for _ in 0..<count { done.wait() }
}

/// Runs `body` in a new detached task and blocks the calling (non-cooperative) thread until it
/// returns. Used by the synchronous driver to run the async cases.
func blockingAwait<Result: Sendable>(_ body: @escaping @Sendable () async throws -> Result) throws -> Result {
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox<Result>()
    Task.detached {
        do { box.value = .success(try await body()) } catch { box.value = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.value!.get()
}

/// Carries a task's result to the thread that waits for it. The semaphore in `blockingAwait`
/// orders the write before the read.
private final class ResultBox<Result: Sendable>: @unchecked Sendable {
    var value: Swift.Result<Result, any Error>?
}

/// The calling thread's kernel id, to check which thread ran a piece of code.
func currentThreadID() -> UInt { UInt(pthread_self()) }
