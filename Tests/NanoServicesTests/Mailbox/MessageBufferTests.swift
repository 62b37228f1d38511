@testable import NanoServices
import Synchronization
import Testing

@Suite("MessageBuffer")
struct MessageBufferTests {
    /// A payload whose releases are counted: a leaked or twice-released message shows.
    final class Tracked {
        static let live = Atomic<Int>(0)
        init() { Self.live.add(1, ordering: .relaxed) }
        deinit { Self.live.subtract(1, ordering: .relaxed) }
    }

    @Test("starts without storage, grows on the first append, keeps order through drains and swaps")
    func emptyStartGrowsAndKeepsOrder() {
        var buffer = MessageBuffer<Int>()
        let (startCapacity, startEmpty) = (buffer.capacity, buffer.isEmpty)
        #expect(startCapacity == 0 && startEmpty)
        var drained: [Int] = []
        buffer.drain { drained.append($0); return true }  // nothing to drain, nothing allocated
        let capacityAfterEmptyDrain = buffer.capacity
        #expect(drained.isEmpty && capacityAfterEmptyDrain == 0)
        for value in 0..<9 { buffer.append(value) }
        let (count, capacity) = (buffer.count, buffer.capacity)
        #expect(count == 9 && capacity >= 9)
        let first = buffer.removeFirst()
        #expect(first == 0)
        var other = MessageBuffer<Int>()
        other.swapContents(with: &buffer)  // an empty buffer takes the storage, and gives none back
        let (swappedCapacity, swappedEmpty) = (buffer.capacity, buffer.isEmpty)
        #expect(swappedCapacity == 0 && swappedEmpty)
        other.drain { drained.append($0); return true }
        #expect(drained == Array(1..<9))
        buffer.append(42)  // the empty one grows again
        let (again, none) = (buffer.removeFirst(), buffer.removeFirst())
        #expect(again == 42 && none == nil)
    }

    @Test("releases what it still holds when it goes, also after starting empty")
    func releasesLeftovers() {
        let before = Tracked.live.load(ordering: .relaxed)
        do {
            var buffer = MessageBuffer<Tracked>()
            for _ in 0..<5 { buffer.append(Tracked()) }
            _ = buffer.removeFirst()
            #expect(Tracked.live.load(ordering: .relaxed) == before + 4)
            let empty = MessageBuffer<Tracked>()
            _ = empty
        }
        #expect(Tracked.live.load(ordering: .relaxed) == before)
    }
}
