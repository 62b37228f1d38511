import CNanoServicesShims
import Synchronization

/// The one wait-for edge a service may have: the service its thread is blocked on in a call
/// (see WaitGraph.swift). Stored inline in the service (16 bytes, no allocation).
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
/// and ``target()`` on any thread. The lock is held for a pointer copy at most: contention
/// spins, then yields.
@usableFromInline
struct WaitEdge: ~Copyable {
    private static var locked: UInt32 { 1 }
    private static var published: UInt32 { 2 }
    private let word = Atomic<UInt32>(0)
    /// An `Unmanaged<_ServiceContext>` (not retained), or 0. Under the lock.
    private let pointer = Atomic<UInt>(0)

    init() {}

    /// Records that the owner is about to block on `target` and publishes the bit. The caller
    /// keeps `target` alive until ``clear()``. Owner's thread.
    func publish(_ target: _ServiceContext) {
        lock()
        pointer.store(UInt(bitPattern: Unmanaged.passUnretained(target).toOpaque()), ordering: .relaxed)
        word.store(Self.published, ordering: .sequentiallyConsistent)  // unlocks and publishes
    }

    /// The owner no longer waits. Owner's thread.
    func clear() {
        lock()
        pointer.store(0, ordering: .relaxed)
        word.store(0, ordering: .releasing)
    }

    /// Whether the owner is (or is about to be) blocked on another service. One load, no lock.
    var isPublished: Bool { word.load(ordering: .sequentiallyConsistent) & Self.published != 0 }

    /// The service the owner is blocked on, if any (a strong reference). Any thread.
    func target() -> _ServiceContext? {
        guard isPublished else { return nil }
        lock()
        // Retained under the lock: once unlocked, the owner may release its own reference.
        let current = Self.unmanaged(pointer.load(ordering: .relaxed))?.retain()
        unlock()
        return current?.takeRetainedValue()
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
