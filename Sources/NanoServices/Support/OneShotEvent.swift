import CNanoServicesShims

/// A flag that is set once and can be awaited by any number of threads and tasks
/// (a service's termination).
///
/// Thread safety: all methods may be called from any thread. Continuations are resumed
/// outside the lock.
final class OneShotEvent: @unchecked Sendable {
    /// [0] the lock; [1] the futex word: ``wordUnset``, ``wordSleepers`` or ``wordSet``.
    private let words: UnsafeMutablePointer<UInt32>
    private let lock: FutexLock
    private var continuations: [UnsafeContinuation<Void, Never>] = [] // guarded by `lock`

    init() {
        words = .allocate(capacity: 2)
        words.initialize(repeating: 0, count: 2)
        lock = FutexLock(word: words)
    }

    deinit { words.deallocate() }

    private var flag: UnsafeMutablePointer<UInt32> { words + 1 }

    private static var wordUnset: UInt32 { 0 }
    /// Not set, and a thread sleeps (or is about to) on the futex word: ``set()`` must wake it.
    private static var wordSleepers: UInt32 { 1 }
    private static var wordSet: UInt32 { 2 }

    var isSet: Bool { nano_atomic_load_acquire(flag) == Self.wordSet }

    /// Sets the event and wakes every waiter. Only the first call has an effect. A system
    /// call only if a thread sleeps in ``wait()``.
    func set() {
        let (waiting, sleepers): ([UnsafeContinuation<Void, Never>], Bool) = lock.withLock {
            let previous = nano_atomic_exchange(flag, Self.wordSet)
            if previous == Self.wordSet { return ([], false) }
            defer { continuations = [] }
            return (continuations, previous == Self.wordSleepers)
        }
        if sleepers { nano_futex_wake(flag, Int32.max) }
        for continuation in waiting { continuation.resume() }
    }

    /// Blocks the calling thread until the event is set.
    func wait() {
        while true {
            let current = nano_atomic_load_acquire(flag)
            if current == Self.wordSet { return }
            // Announce the sleeper before sleeping, so that `set()` knows to wake it.
            if current == Self.wordUnset && !nano_atomic_compare_exchange(flag, Self.wordUnset, Self.wordSleepers) { continue }
            _ = nano_futex_wait(flag, Self.wordSleepers, -1)
        }
    }

    /// Suspends until the event is set.
    func wait() async {
        if isSet { return }
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let resumeNow: Bool = lock.withLock {
                if nano_atomic_load_acquire(flag) == Self.wordSet { return true }
                continuations.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}
