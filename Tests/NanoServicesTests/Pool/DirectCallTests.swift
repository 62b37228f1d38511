import Metrics
import MetricsTestKit
import NanoServices
import Testing

/// The generated handle's fast path for a blocking call to a synchronous method: when the
/// pooled service is idle, the method is called on the caller's thread without a message or a
/// reply (`_ServiceRuntime._callDirect`). It must count, measure and fail exactly as the call
/// sent as a message does, and leave the calls that move values to the message path.
@Suite("Direct calls to idle pooled services", .timeLimit(.minutes(15)))
struct DirectCallTests {
    /// Calls `call` on a new plain thread until `inlineRuns` of them ran on that thread (or a
    /// million calls): the first may find the service busy finishing a slice.
    private static func callUntilInline(
        _ inlineRuns: Int, _ call: @escaping @Sendable () throws -> UInt
    ) async throws -> (inline: Int, calls: Int) {
        try await runOnNewThread { () -> (inline: Int, calls: Int) in
            let caller = ThreadInfo.currentID
            var (inline, calls) = (0, 0)
            while inline < inlineRuns && calls < 1_000_000 {
                if try call() == caller { inline += 1 }
                calls += 1
            }
            return (inline, calls)
        }
    }

    @Test("direct and queued calls of one method are one method in the snapshot and in metrics")
    func directAndQueuedCallsCountAsOneMethod() async throws {
        let metrics = SharedBackends.metrics  // bootstrapped before the service starts
        let name = "direct-\(UInt32.random(in: 0...UInt32.max))"
        let pool = ServicePool(name: "direct-count", threads: 1)
        let probe = try InlineProbe.Service(overlap: Overlap(), options: .init(name: name, placement: .pool(pool)))
        let (inline, direct) = try await Self.callUntilInline(50) { try probe.report().threadID }
        #expect(inline == 50)
        // From a task the same method is sent as a message and runs on a pool thread.
        for _ in 0..<20 { #expect(try await probe.report().threadName.hasPrefix("direct-count-")) }
        let snapshot = probe.control.snapshot()
        #expect(snapshot.handledByMethod == ["report()": direct + 20])
        #expect(snapshot.messagesHandled == direct + 20)
        let handled = metrics.counterTotal(
            label: "nano_service_messages_handled", dimensions: [("service", name), ("method", "report()")])
        #expect(handled == Int64(direct + 20))
        let durations = try metrics.expectTimer("nano_service_call_duration", [("service", name), ("method", "report()")])
        #expect(durations.values.count == direct + 20)  // one per call, not two for a direct one
        try await probe.control.stop()
        try await pool.shutdown()
    }

    /// Runs `body` with a probe on a 1-thread pool of its own, then stops both.
    private static func withPooledProbe(
        _ poolName: String, _ body: (InlineProbe.Service) async throws -> Void
    ) async throws {
        let pool = ServicePool(name: poolName, threads: 1)
        let probe = try InlineProbe.Service(overlap: Overlap(), options: .init(placement: .pool(pool)))
        try await body(probe)
        try await probe.control.stop()
        try await pool.shutdown()
    }

    @Test("a call that moves its argument runs on the calling thread too, as a message")
    func movingCallRunsInlineThroughItsMessage() async throws {
        try await Self.withPooledProbe("direct-move") { probe in
            let (inline, calls) = try await Self.callUntilInline(50) {
                let report = try probe.count([1, 2, 3])
                return report.values == [3] ? report.threadID : 0  // a wrong answer is never inline
            }
            #expect(inline == 50)
            #expect(probe.control.snapshot().handledByMethod == ["count(_:)": calls])
        }
    }

    @Test("a method's own error reaches the caller of a direct call unchanged, and is no failure of the service")
    func ownErrorPassesUnchanged() async throws {
        try await Self.withPooledProbe("direct-error") { probe in
            let (inline, calls) = try await Self.callUntilInline(50) {
                // A wrong error, or none, counts as not inline: `inline` then stays short of 50.
                do {
                    _ = try probe.refuse(7)
                    return 0
                } catch let refusal as ProbeRefusal {
                    return refusal.code == 7 ? refusal.threadID : 0
                }
            }
            #expect(inline == 50)
            let snapshot = probe.control.snapshot()
            #expect(snapshot.handledByMethod == ["refuse(_:)": calls])
            #expect(snapshot.callsFailed.isEmpty)  // only the runtime's own errors count as failed calls
            #expect(probe.control.state == .running)
        }
    }
}
