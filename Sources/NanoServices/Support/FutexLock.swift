import CNanoServicesShims

/// A small mutual-exclusion lock over one 32-bit word (Drepper's three-state futex mutex).
///
/// Uncontended `lock()`/`unlock()` is one atomic compare-exchange and one exchange. Under
/// contention it spins briefly, then parks in the kernel. Not recursive. The word lives in
/// memory owned by the caller, so a lock costs no allocation of its own.
///
/// Thread safety: all methods may be called from any thread; `unlock()` must be called by
/// the thread that locked.
@usableFromInline
struct FutexLock {
    @usableFromInline let word: UnsafeMutablePointer<UInt32>

    /// - Parameter word: zero-initialised memory that outlives the lock's use.
    @inlinable
    init(word: UnsafeMutablePointer<UInt32>) {
        self.word = word
    }

    @inlinable @inline(__always)
    func lock() {
        if nano_atomic_compare_exchange(word, 0, 1) { return }
        lockSlow()
    }

    @usableFromInline @inline(never)
    func lockSlow() {
        for _ in 0..<64 {
            nano_cpu_relax()
            if nano_atomic_load_acquire(word) == 0 && nano_atomic_compare_exchange(word, 0, 1) { return }
        }
        // 2 = locked with (possible) waiters.
        while nano_atomic_exchange(word, 2) != 0 {
            _ = nano_futex_wait(word, 2, -1)
        }
    }

    @inlinable @inline(__always)
    func unlock() {
        if nano_atomic_exchange(word, 0) == 2 {
            nano_futex_wake(word, 1)
        }
    }

    @inlinable @inline(__always)
    func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock()
        defer { unlock() }
        return try body()
    }
}
