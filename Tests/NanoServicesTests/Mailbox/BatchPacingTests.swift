@testable import NanoServices
import Testing

@Suite("Batch pacing")
struct BatchPacingTests {
    @Test("calls answered one at a time never delay the next take")
    func pingPongStaysShort() {
        var pacing = BatchPacing()
        var now: UInt64 = 1_000_000
        for _ in 0..<100 {
            now += 1_000  // one message per microsecond, already waiting when the consumer looks
            pacing.took(1, at: now, waiting: true)
            #expect(pacing.interval == BatchPacing.shortest)
        }
    }

    @Test("a few concurrent callers (sparse) do not make the service wait either")
    func sparseBatchesStayShort() {
        var pacing = BatchPacing()
        var now: UInt64 = 1_000_000
        for _ in 0..<100 {
            now += 1_500
            pacing.took(4, at: now, waiting: true)  // 4 messages per 1.5 µs: 375 ns apart
        }
        #expect(pacing.interval == BatchPacing.shortest)
    }

    @Test("a dense stream lets batches build up, up to the longest interval, then backs off")
    func denseStreamGrowsThenShrinks() {
        var pacing = BatchPacing()
        var now: UInt64 = 1_000_000
        pacing.took(1, at: now, waiting: false)
        var intervals: [UInt64] = []
        for _ in 0..<8 {
            now += pacing.interval
            pacing.took(Int(pacing.interval / 50), at: now, waiting: true)  // one message per 50 ns
            intervals.append(pacing.interval)
        }
        #expect(intervals == [500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000, 8_000])
        #expect(pacing.earliestNextTake == now + 8_000)
        now += 8_000
        pacing.took(4 * BatchPacing.wantedBatch + 1, at: now, waiting: true)
        #expect(pacing.interval == 4_000)  // batches larger than needed: halve
        pacing.foundEmpty()
        #expect(pacing.interval == BatchPacing.shortest)
    }

    @Test("messages that arrived while the consumer waited for work reset the interval")
    func notWaitingResets() {
        var pacing = BatchPacing()
        pacing.interval = 8_000
        pacing.took(500, at: 10_000, waiting: false)
        #expect(pacing.interval == BatchPacing.shortest)
    }
}
