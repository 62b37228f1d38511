import CNanoServicesShims

/// The current thread's parking word: one futex word per OS thread, allocated on first use
/// and freed when the thread ends.
///
/// Protocol (one wake token per episode): a waiter publishes the word somewhere a waker can
/// find it, then parks until the word becomes 1 and resets it to 0. A waker that found the
/// word calls ``unpark(_:)`` exactly once. Because the waiter always consumes the token
/// before its next episode, a stale wake-up cannot leak into a later wait.
@usableFromInline
enum ThreadParker {
    /// This thread's word. Cost: one thread-local read.
    @inlinable @inline(__always)
    static var current: UnsafeMutablePointer<UInt32> { nano_thread_parking_word() }

    /// Parks the current thread until `word` is set by ``unpark(_:)``, then consumes the token.
    @usableFromInline
    static func park(_ word: UnsafeMutablePointer<UInt32>) {
        while nano_atomic_load_acquire(word) == 0 {
            _ = nano_futex_wait(word, 0, -1)
        }
        nano_atomic_store_release(word, 0)
    }

    /// Like ``park(_:)`` but gives up at `deadline` (monotonic nanoseconds).
    /// Returns `false` on timeout, leaving the token (if any arrives later) unconsumed.
    @usableFromInline
    static func park(_ word: UnsafeMutablePointer<UInt32>, until deadline: UInt64) -> Bool {
        while nano_atomic_load_acquire(word) == 0 {
            let now = nano_monotonic_ns()
            if now >= deadline { return false }
            _ = nano_futex_wait(word, 0, Int64(deadline - now))
        }
        nano_atomic_store_release(word, 0)
        return true
    }

    /// Wakes the thread parked (or about to park) on `word`.
    @inlinable @inline(__always)
    static func unpark(_ word: UnsafeMutablePointer<UInt32>) {
        nano_atomic_store_release(word, 1)
        nano_futex_wake(word, 1)
    }
}
