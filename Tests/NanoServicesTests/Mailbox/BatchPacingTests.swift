@testable import NanoServices
import CNanoServicesShims
import Testing

@Suite("Batch pacing")
struct BatchPacingTests {
    @Test("calls answered one at a time never delay the next take")
    func pingPongStaysShort() {
        var pacing = BatchPacing(nanosecondsPerTick: 1)
        var now: UInt64 = 1_000_000
        for _ in 0..<100 {
            now += 1_000  // one message per microsecond, already waiting when the consumer looks
            pacing.took(1, at: now, waiting: true)
            #expect(pacing.interval == UInt64(pacing.shortest))
        }
    }

    @Test("a few concurrent callers (sparse) do not make the service wait either")
    func sparseBatchesStayShort() {
        var pacing = BatchPacing(nanosecondsPerTick: 1)
        var now: UInt64 = 1_000_000
        for _ in 0..<100 {
            now += 1_500
            pacing.took(4, at: now, waiting: true)  // 4 messages per 1.5 µs: 375 ns apart
        }
        #expect(pacing.interval == UInt64(pacing.shortest))
    }

    @Test("a dense stream lets batches build up, up to the longest interval, then backs off")
    func denseStreamGrowsThenShrinks() {
        var pacing = BatchPacing(nanosecondsPerTick: 1)
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
        #expect(pacing.interval == UInt64(pacing.shortest))
    }

    @Test("messages that arrived while the consumer waited for work reset the interval")
    func notWaitingResets() {
        var pacing = BatchPacing(nanosecondsPerTick: 1)
        pacing.interval = 8_000
        pacing.took(500, at: 10_000, waiting: false)
        #expect(pacing.interval == UInt64(pacing.shortest))
    }

    @Test("the limits are converted to the counter's units once; the pacing fits its 32 bytes")
    func limitsInTicks() {
        let fast = BatchPacing(nanosecondsPerTick: 0.25)  // a 4 GHz counter
        #expect([fast.shortest, fast.longest, fast.denseSpacing] == [1_000, 32_000, 400])
        #expect(fast.interval == 1_000)
        let coarse = BatchPacing(nanosecondsPerTick: 1_000)  // a counter coarser than every limit
        #expect([coarse.shortest, coarse.longest, coarse.denseSpacing] == [1, 8, 1])
        // The counter this process reads: 250 ns, whatever a tick is.
        let live = BatchPacing()
        let shortest = Double(live.shortest) * nano_nanoseconds_per_tick()
        #expect(abs(shortest - 250) <= max(1, nano_nanoseconds_per_tick()))
        // The pooled mailbox keeps the pacing in the last 32 bytes of the consumer's line.
        #expect(MemoryLayout<BatchPacing>.size <= 32)
    }
}
