import CNanoServicesShims

/// Up to eight 64-bit counters on a cache line of their own (``CacheLine``), written by one thread and read
/// by any.
///
/// Why a line of their own: a counter the service thread bumps per message must not share a
/// cache line with anything a sender reads per message (the service's configuration, the
/// mailbox's pointers). Sharing one made every cast pay a cache miss — about 25 ns, half a
/// cast — although no value was ever shared.
///
/// Thread safety: each slot has one writer, which updates it with a relaxed load and store
/// (no read-modify-write); readers use relaxed loads and see some recent value.
/// Lifetime: the owner calls ``deallocate()`` once, when no thread can touch it any more.
/// `@unchecked Sendable` is sound: the line is only read and written through atomics.
@usableFromInline
struct CounterLine: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutablePointer<UInt64>

    @inlinable static var slots: Int { 8 }

    /// A zeroed line in memory someone else owns and frees (a service's is in its mailbox's
    /// block: see `Mailbox.Layout`). `line` is aligned to a cache line and zeroed.
    init(in line: UnsafeMutableRawPointer) {
        base = line.bindMemory(to: UInt64.self, capacity: Self.slots)
    }

    /// A zeroed line. Cost: one aligned allocation.
    init() {
        assert(Self.slots * MemoryLayout<UInt64>.stride <= CacheLine.size)
        base = CacheLine.allocate(lines: 1).bindMemory(to: UInt64.self, capacity: Self.slots)
    }

    func deallocate() { UnsafeMutableRawPointer(base).deallocate() }

    /// The value of `slot`. Any thread.
    @inlinable @inline(__always)
    func load(_ slot: Int) -> UInt64 { nano_atomic_load_relaxed_u64(base + slot) }

    /// Sets `slot`. Its writer thread only.
    @inlinable @inline(__always)
    func store(_ slot: Int, _ value: UInt64) { nano_atomic_store_relaxed_u64(base + slot, value) }

    /// Adds `amount` to `slot` (wrapping). Its writer thread only: not a read-modify-write.
    @inlinable @inline(__always)
    func add(_ slot: Int, _ amount: UInt64) { store(slot, load(slot) &+ amount) }
}
