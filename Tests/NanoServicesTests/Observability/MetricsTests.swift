import Metrics
import MetricsTestKit
import NanoServices
import Testing

@Suite("Observability: metrics")
struct ObservabilityMetricsTests {
    @Test("counters, gauge and timers after a known workload")
    func knownWorkload() async throws {
        let metrics = SharedBackends.metrics  // bootstrapped before the service starts
        let name = "metrics-\(UInt32.random(in: 0...UInt32.max))"
        let service = try Probe.Service(options: .named(name))
        for _ in 0..<100 { service.add(2) }
        #expect(try await service.sum() == 200)
        await #expect(throws: ServiceError.self) {
            try await service.timingOut(after: .milliseconds(5)).sleep(milliseconds: 2_000)  // long: loaded machines
        }
        try await service.control.stop()
        service.add(1)  // dropped
        await #expect(throws: ServiceError.self) { try await service.sum() }

        func handled(_ method: String) -> Int64 {
            metrics.counterTotal(label: "nano_service_messages_handled", dimensions: [("service", name), ("method", method)])
        }
        #expect(handled("add(_:)") == 100)
        #expect(handled("sum()") == 1)
        #expect(handled("sleep(milliseconds:)") == 1)

        let queueWait = try metrics.expectTimer("nano_service_queue_wait", [("service", name), ("method", "add(_:)")])
        #expect(queueWait.values.count == 100)
        #expect(queueWait.values.allSatisfy { $0 >= 0 })

        // Measured by the callers: the successful `sum()`, the timed-out `sleep`, the refused `sum()`.
        let sumLatency = try metrics.expectTimer("nano_service_call_duration", [("service", name), ("method", "sum()")])
        #expect(sumLatency.values.count == 2)
        let sleepLatency = try metrics.expectTimer("nano_service_call_duration", [("service", name), ("method", "sleep(milliseconds:)")])
        #expect(sleepLatency.values.count == 1)
        #expect(sleepLatency.values[0] >= 5_000_000)

        let depth = try metrics.expectGauge("nano_service_mailbox_depth", [("service", name)])
        #expect(depth.lastValue == 0)  // drained
        #expect(depth.values.contains { $0 >= 1 })

        func failures(_ code: String) -> Int64 {
            metrics.counterTotal(label: "nano_service_call_failures", dimensions: [("service", name), ("code", code)])
        }
        #expect(failures("timeout") == 1)
        #expect(failures("stopped") == 1)
        #expect(metrics.counterTotal(label: "nano_service_casts_dropped", dimensions: [("service", name)]) == 1)
    }
}
