@testable import NanoServices
import Testing

/// The scheduler's side: disarmed timers leave the heap at once (memory), and the heap keeps
/// deadlines in order.
@Suite("Timers: scheduler", .timeLimit(.minutes(15)))
struct TimerSchedulerTests {
    @Test("cancelled, replaced and stopped timers leave the clock's heap at once")
    func disarmedTimersLeaveTheHeap() async throws {
        let clock = ManualClock()
        let metronome = try Metronome.Service(options: .init(clock: clock))
        for key in 0..<10 { metronome.every("k\(key)", .seconds(3600)) }
        #expect(try await metronome.activeCount() == 10)
        #expect(clock.timerScheduler.armedCount == 10)
        metronome.every("k0", .seconds(3600))  // replaced: still 10
        #expect(try await metronome.cancel("k1"))
        #expect(clock.timerScheduler.armedCount == 9)
        metronome.after("once", .seconds(1))
        #expect(try await metronome.activeCount() == 10)
        clock.advance(by: .seconds(1))
        #expect(try await metronome.recorded() == ["once"])
        #expect(clock.timerScheduler.armedCount == 9)
        try await metronome.control.stop()
        #expect(clock.timerScheduler.armedCount == 0)
    }

    final class Element: IndexedHeapElement {
        let heapDeadline: Int
        var heapIndex = -1
        init(_ deadline: Int) { heapDeadline = deadline }
    }

    @Test("the indexed heap yields its deadlines in order after random removals", arguments: [1, 2, 3])
    func heapOrder(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var heap = IndexedHeap<Element>()
        var elements = (0..<500).map { _ in Element(Int.random(in: 0..<1_000, using: &generator)) }
        for element in elements { heap.push(element) }
        for _ in 0..<200 {
            let removed = elements.remove(at: Int.random(in: 0..<elements.count, using: &generator))
            heap.remove(removed)
            #expect(removed.heapIndex == -1)
        }
        heap.remove(Element(5))  // not in the heap: nothing happens
        var drained: [Int] = []
        while let first = heap.first {
            drained.append(first.heapDeadline)
            heap.remove(first)
        }
        #expect(drained == elements.map(\.heapDeadline).sorted())
    }
}

/// A small deterministic generator (SplitMix64) for reproducible test data.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
