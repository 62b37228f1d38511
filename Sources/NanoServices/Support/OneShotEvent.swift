import CNanoServicesShims

/// A flag that is set once and can be awaited by any number of threads and tasks
/// (a service's termination).
///
/// Thread safety: all methods may be called from any thread. Continuations are resumed
/// outside the lock.
final class OneShotEvent: @unchecked Sendable {
    private let words: UnsafeMutablePointer<UInt32> // [0] lock, [1] set flag (futex word)
    private let lock: FutexLock
    private var continuations: [UnsafeContinuation<Void, Never>] = [] // guarded by `lock`

    init() {
        words = .allocate(capacity: 2)
        words.initialize(repeating: 0, count: 2)
        lock = FutexLock(word: words)
    }

    deinit { words.deallocate() }

    private var flag: UnsafeMutablePointer<UInt32> { words + 1 }

    var isSet: Bool { nano_atomic_load_acquire(flag) != 0 }

    /// Sets the event and wakes every waiter. Only the first call has an effect.
    func set() {
        let waiting: [UnsafeContinuation<Void, Never>] = lock.withLock {
            if nano_atomic_load_acquire(flag) != 0 { return [] }
            nano_atomic_store_release(flag, 1)
            defer { continuations = [] }
            return continuations
        }
        nano_futex_wake(flag, Int32.max)
        for continuation in waiting { continuation.resume() }
    }

    /// Blocks the calling thread until the event is set.
    func wait() {
        while nano_atomic_load_acquire(flag) == 0 {
            _ = nano_futex_wait(flag, 0, -1)
        }
    }

    /// Suspends until the event is set.
    func wait() async {
        if isSet { return }
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let resumeNow: Bool = lock.withLock {
                if nano_atomic_load_acquire(flag) != 0 { return true }
                continuations.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}
