import CNanoServicesShims
import Synchronization

/// The one wait-for edge a service may have: the service its thread is blocked on in a call
/// (see WaitGraph.swift). Stored inline in the service (12 bytes, no allocation).
///
/// A word holds a lock bit and a *published* bit; the target is an unretained reference, read
/// and written only under the lock. Not retaining it saves two atomic updates of the target's
/// reference count per call, on a cache line its own thread reads: the owner publishes an edge
/// only from a method of the target (whose `self` keeps the target alive) and clears it before
/// that method returns, and a reader retains the target before it lets go of the lock. The published bit can be read without the lock
/// (``isPublished``), so a caller whose target waits on nothing — nearly every call — does not
/// take the target's lock or retain it to learn that. ``publish(_:)`` and ``isPublished`` are
/// sequentially consistent: of two services that publish edges to each other at the same time,
/// at least one sees the other's bit (the store-then-load pattern of Dekker's algorithm) and
/// walks the graph under the locks.
///
/// Thread safety: ``publish(_:)`` and ``clear()`` on the owning service's thread; ``isPublished``
/// and ``target()`` on any thread. Only readers take the lock, for a pointer copy and a retain;
/// the owner's two writes per call are one compare-and-swap each, which wait for a reader to
/// let go (spin, then yield).
@usableFromInline
struct WaitEdge: ~Copyable {
    private static var locked: UInt32 { 1 }
    private static var published: UInt32 { 2 }
    /// An `Unmanaged<_ServiceContext>` (not retained), or 0. Under the lock.
    private let pointer = Atomic<UInt>(0)
    /// The lock and published bits. After the pointer, so that the owner's small fields pack
    /// into the rest of its word.
    private let word = Atomic<UInt32>(0)

    init() {}

    /// Records that the owner is about to block on `target` and publishes the bit. The caller
    /// keeps `target` alive until ``clear()``. Owner's thread; one store and one
    /// compare-and-swap (it spins only while a reader holds the lock, for a pointer copy).
    func publish(_ target: _ServiceContext) {
        // Readers look at `pointer` only under the lock with the published bit set, and the
        // exchange below (which waits for the lock) orders this store before the bit.
        pointer.store(UInt(bitPattern: Unmanaged.passUnretained(target).toOpaque()), ordering: .relaxed)
        exchangeWhenUnlocked(to: Self.published)
    }

    /// The owner no longer waits. Owner's thread; one compare-and-swap. The pointer is left
    /// as it is: nobody reads it without the bit.
    func clear() {
        exchangeWhenUnlocked(to: 0)
    }

    /// Whether the owner is (or is about to be) blocked on another service. One load, no lock.
    var isPublished: Bool { word.load(ordering: .sequentiallyConsistent) & Self.published != 0 }

    /// The service the owner is blocked on, if any (a strong reference). Any thread.
    func target() -> _ServiceContext? {
        guard isPublished else { return nil }
        lock()
        // Looked at again under the lock (the owner may have cleared the edge meanwhile), and
        // retained under it: once unlocked, the owner may clear and release its own reference.
        let current = word.load(ordering: .relaxed) & Self.published != 0
            ? Self.unmanaged(pointer.load(ordering: .relaxed))?.retain() : nil
        unlock()
        return current?.takeRetainedValue()
    }

    /// The owner's only write to the word: sets it to `new` once no reader holds the lock
    /// (sequentially consistent: see the type's comment). Whatever the owner's bit was: two
    /// tasks of one `async` method that holds its service may wait at once (the last edge wins).
    private func exchangeWhenUnlocked(to new: UInt32) {
        var rounds = 0
        while true {
            let current = word.load(ordering: .relaxed)
            if current & Self.locked == 0
                && word.compareExchange(expected: current, desired: new, ordering: .sequentiallyConsistent).exchanged { return }
            rounds += 1
            if rounds < 64 { nano_cpu_relax() } else { nano_thread_yield() }
        }
    }

    private func lock() {
        var rounds = 0
        while true {
            let current = word.load(ordering: .relaxed)
            if current & Self.locked == 0 && word.compareExchange(
                expected: current, desired: current | Self.locked, ordering: .acquiring
            ).exchanged { return }
            rounds += 1
            if rounds < 64 { nano_cpu_relax() } else { nano_thread_yield() }
        }
    }

    private func unlock() {
        _ = word.bitwiseAnd(~Self.locked, ordering: .releasing)
    }

    private static func unmanaged(_ bits: UInt) -> Unmanaged<_ServiceContext>? {
        UnsafeRawPointer(bitPattern: bits).map { Unmanaged.fromOpaque($0) }
    }
}
