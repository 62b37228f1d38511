import Metrics
import MetricsTestKit
import NanoServices
import Testing

@Suite("Timers: metrics", .timeLimit(.minutes(15)))
struct TimerMetricsTests {
    @Test("nano_service_timer_ticks counts handled, coalesced and skipped ticks")
    func tickCounters() async throws {
        let metrics = SharedBackends.metrics  // bootstrapped before the service starts
        let name = "timer-metrics-\(UInt32.random(in: 0...UInt32.max))"
        let clock = ManualClock()
        let metronome = try Metronome.Service(startingEvery: .seconds(1), options: .init(name: name, clock: clock))
        #expect(try await metronome.activeCount() == 1)
        clock.advance(by: .seconds(3))  // 1 handled, 2 coalesced
        _ = try await metronome.recorded()
        let gate = TimerGate()
        metronome.holdThenCancel(gate, "beat")
        try await gate.waitUntilEntered()
        clock.advance(by: .seconds(1))  // queued, then cancelled: skipped
        gate.release()
        _ = try await metronome.recorded()

        func ticks(_ outcome: String) -> Int64 {
            metrics.counterTotal(label: "nano_service_timer_ticks", dimensions: [("service", name), ("outcome", outcome)])
        }
        #expect(ticks("handled") == 1)
        #expect(ticks("coalesced") == 2)
        #expect(ticks("skipped") == 1)
        try await metronome.control.stop()
    }
}
