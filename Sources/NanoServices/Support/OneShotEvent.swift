import CNanoServicesShims

/// A flag that is set once and can be awaited by any number of threads and tasks
/// (a service's termination, a pool's drain).
///
/// Its state is a 16-byte region: the lock word, the flag word and the waiting tasks. An
/// event made with ``init()`` allocates the region (a `ManagedBuffer`), and copies share it;
/// one made with ``init(embeddedIn:)`` lives in memory its user already has and keeps alive
/// (a service's termination sits in its mailbox's block: a million pooled services save a
/// million allocations).
///
/// Thread safety: all methods may be called from any thread. Continuations are resumed
/// outside the lock. `@unchecked Sendable` is sound: the continuations are only touched under
/// the lock, the flag only atomically.
@usableFromInline
struct OneShotEvent: @unchecked Sendable {
    /// The lock word, the flag word, then an `[UnsafeContinuation<Void, Never>]`.
    private let region: UnsafeMutableRawPointer
    /// What keeps `region` alive: its own storage, or `nil` for an embedded event.
    private let storage: Storage?

    /// Bytes an embedded event needs, at an 8-byte boundary.
    static var regionSize: Int { 16 }

    init() {
        let storage = Storage.make()
        self.storage = storage
        region = storage.region
    }

    /// An event in `region` (``regionSize`` bytes, prepared by ``initializeRegion(_:)``), which
    /// the caller keeps alive as long as any copy of the event is used, then cleans up with
    /// ``deinitializeRegion(_:)``.
    init(embeddedIn region: UnsafeMutableRawPointer) {
        self.region = region
        storage = nil
    }

    /// Prepares `region` for an unset event with no waiters.
    @usableFromInline
    static func initializeRegion(_ region: UnsafeMutableRawPointer) {
        region.initializeMemory(as: UInt32.self, repeating: 0, count: 2)
        (region + 8).initializeMemory(as: [UnsafeContinuation<Void, Never>].self, repeating: [], count: 1)
    }

    /// Releases what `region` holds. Nobody may wait any more.
    @usableFromInline
    static func deinitializeRegion(_ region: UnsafeMutableRawPointer) {
        (region + 8).assumingMemoryBound(to: [UnsafeContinuation<Void, Never>].self).deinitialize(count: 1)
    }

    private var words: UnsafeMutablePointer<UInt32> { region.assumingMemoryBound(to: UInt32.self) }
    /// The futex word: ``wordUnset``, ``wordSleepers`` or ``wordSet``. Valid while the region is.
    private var flag: UnsafeMutablePointer<UInt32> { words + 1 }
    private var lock: FutexLock { FutexLock(word: words) }
    /// The waiting tasks. Under the lock.
    private var continuations: UnsafeMutablePointer<[UnsafeContinuation<Void, Never>]> {
        (region + 8).assumingMemoryBound(to: [UnsafeContinuation<Void, Never>].self)
    }

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
            defer { continuations.pointee = [] }
            return (continuations.pointee, previous == Self.wordSleepers)
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
                continuations.pointee.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// The region of an event that is not embedded: two 8-byte elements.
    private final class Storage: ManagedBuffer<Void, UInt64> {
        static func make() -> Storage {
            let buffer = create(minimumCapacity: 2) { _ in }
            // Sound: `create` called on this class allocates an instance of this class.
            let storage = unsafeDowncast(buffer, to: Storage.self)
            OneShotEvent.initializeRegion(storage.region)
            return storage
        }

        /// The region; valid as long as this object.
        var region: UnsafeMutableRawPointer { withUnsafeMutablePointerToElements { UnsafeMutableRawPointer($0) } }

        deinit { OneShotEvent.deinitializeRegion(region) }
    }
}
