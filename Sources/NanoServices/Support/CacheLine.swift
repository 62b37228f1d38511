/// The cache-line size the runtime lays hot words out by, and whole-line allocations.
///
/// A word one thread writes often and others read often (a lock, a flag, a counter) sits on a
/// line of its own, or beside words with the same readers and writers: otherwise a write
/// invalidates the line another thread needed for an unrelated word (false sharing), and a
/// cast pays a cache miss — about 25 ns here, half its cost. Users: ``Mailbox`` (see
/// `Mailbox.Layout`), ``CounterLine`` and ``ServicePool``'s lock and ready hint.
///
/// 64 bytes: x86-64 and most ARM64 cores. Thread safety: stateless.
@usableFromInline
enum CacheLine {
    /// The cache-line size assumed, in bytes.
    @inlinable static var size: Int { 64 }

    /// Allocates `lines` zeroed cache lines, aligned to a line, followed by `trailingBytes`
    /// uninitialised bytes (for a value the caller initialises in place). The caller releases
    /// the block with `deallocate()`. Cost: one aligned allocation.
    @inlinable
    static func allocate(lines: Int, trailingBytes: Int = 0) -> UnsafeMutableRawPointer {
        let block = UnsafeMutableRawPointer.allocate(byteCount: lines * size + trailingBytes, alignment: size)
        block.initializeMemory(as: UInt8.self, repeating: 0, count: lines * size)
        return block
    }
}
