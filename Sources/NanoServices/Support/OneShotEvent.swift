import CNanoServicesShims

/// A flag that is set once and can be awaited by any number of threads and tasks
/// (a service's termination).
///
/// One allocation holds the waiting tasks and the two words (a `ManagedBuffer`); copies of a
/// `OneShotEvent` share it.
///
/// Thread safety: all methods may be called from any thread. Continuations are resumed
/// outside the lock. `@unchecked Sendable` is sound: the continuations are only touched under
/// the lock, the flag only atomically.
struct OneShotEvent: @unchecked Sendable {
    private let storage: Storage

    init() { storage = Storage.make() }

    /// The futex word: ``wordUnset``, ``wordSleepers`` or ``wordSet``. Valid while `storage` is.
    private var flag: UnsafeMutablePointer<UInt32> { storage.words + 1 }
    private var lock: FutexLock { FutexLock(word: storage.words) }

    private static var wordUnset: UInt32 { 0 }
    /// Not set, and a thread sleeps (or is about to) on the futex word: ``set()`` must wake it.
    private static var wordSleepers: UInt32 { 1 }
    private static var wordSet: UInt32 { 2 }

    var isSet: Bool { nano_atomic_load_acquire(flag) == Self.wordSet }

    /// Sets the event and wakes every waiter. Only the first call has an effect. A system
    /// call only if a thread sleeps in ``wait()``.
    func set() {
        let flag = self.flag
        let (waiting, sleepers): ([UnsafeContinuation<Void, Never>], Bool) = lock.withLock {
            let previous = nano_atomic_exchange(flag, Self.wordSet)
            if previous == Self.wordSet { return ([], false) }
            return (storage.takeContinuations(), previous == Self.wordSleepers)
        }
        if sleepers { withExtendedLifetime(storage) { nano_futex_wake(flag, Int32.max) } }
        for continuation in waiting { continuation.resume() }
    }

    /// Blocks the calling thread until the event is set.
    func wait() {
        let flag = self.flag
        withExtendedLifetime(storage) {  // `flag` points into it
            while true {
                let current = nano_atomic_load_acquire(flag)
                if current == Self.wordSet { return }
                // Announce the sleeper before sleeping, so that `set()` knows to wake it.
                if current == Self.wordUnset && !nano_atomic_compare_exchange(flag, Self.wordUnset, Self.wordSleepers) { continue }
                _ = nano_futex_wait(flag, Self.wordSleepers, -1)
            }
        }
    }

    /// Suspends until the event is set.
    func wait() async {
        if isSet { return }
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let resumeNow: Bool = lock.withLock {
                if nano_atomic_load_acquire(flag) == Self.wordSet { return true }
                storage.add(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// The waiting tasks as the header; the lock word and the flag as the two elements.
    private final class Storage: ManagedBuffer<[UnsafeContinuation<Void, Never>], UInt32> {
        static func make() -> Storage {
            let buffer = create(minimumCapacity: 2) { _ in [] }
            buffer.withUnsafeMutablePointerToElements { $0.initialize(repeating: 0, count: 2) }
            // Sound: `create` called on this class allocates an instance of this class.
            return unsafeDowncast(buffer, to: Storage.self)
        }

        /// The two words; valid as long as this object.
        var words: UnsafeMutablePointer<UInt32> { withUnsafeMutablePointerToElements { $0 } }

        /// Under the lock.
        func add(_ continuation: UnsafeContinuation<Void, Never>) { header.append(continuation) }

        /// Under the lock.
        func takeContinuations() -> [UnsafeContinuation<Void, Never>] {
            defer { header = [] }
            return header
        }
    }
}
