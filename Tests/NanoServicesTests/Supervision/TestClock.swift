import Foundation

/// A clock that moves only when the test says so: `sleep(until:)` suspends until `advance(by:)`
/// passes the deadline (or the sleeping task is cancelled). Tests wait for a sleeper with
/// `nextSleep()`, which also says how long it asked to sleep, so backoff is checked exactly and
/// never depends on speed. (The timers branch adds a public `ManualClock` to the library; the
/// lead may replace this one with it.)
final class TestClock: Clock, @unchecked Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        let id: Int
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    // Everything below is guarded by `lock`.
    private let lock = NSLock()
    private var current = Instant(offset: .zero)
    private var sleepers: [Sleeper] = []
    private var nextID = 0
    /// Sleeps asked for and not yet handed to `nextSleep()`, as durations from the time asked.
    private var requested: [Duration] = []
    private var requestWaiters: [CheckedContinuation<Duration, Never>] = []

    var now: Instant { lock.withLock { current } }
    var minimumResolution: Duration { .zero }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id = lock.withLock { nextID += 1; return nextID }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                lock.lock()
                if deadline <= current {
                    lock.unlock()
                    continuation.resume()
                    return
                }
                sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                let asked = current.duration(to: deadline)
                if requestWaiters.isEmpty {
                    requested.append(asked)
                    lock.unlock()
                } else {
                    let waiter = requestWaiters.removeFirst()
                    lock.unlock()
                    waiter.resume(returning: asked)
                }
            }
        } onCancel: {
            let sleeper = lock.withLock {
                sleepers.firstIndex { $0.id == id }.map { sleepers.remove(at: $0) }
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Waits until some task sleeps on this clock and returns how long it asked to sleep.
    func nextSleep() async -> Duration {
        await withCheckedContinuation { waiter in
            lock.lock()
            if requested.isEmpty {
                requestWaiters.append(waiter)
                lock.unlock()
            } else {
                let asked = requested.removeFirst()
                lock.unlock()
                waiter.resume(returning: asked)
            }
        }
    }

    /// Moves time on and wakes every sleeper whose deadline has passed.
    func advance(by duration: Duration) {
        let due = lock.withLock {
            current = current.advanced(by: duration)
            let due = sleepers.filter { $0.deadline <= current }
            sleepers.removeAll { $0.deadline <= current }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}
