import InMemoryTracing
import Metrics
import MetricsTestKit
import NanoServices
import Testing
import Tracing

/// README, "Observability": metrics and tracing are on for the services started after the
/// backend's bootstrap, and only for those. Each case runs in a process of its own, whose
/// bootstrap nothing else has done.
@Suite("Observability: only services started after the bootstrap report")
struct BootstrapOrderTests {
    @Test("a service started before MetricsSystem.bootstrap reports nothing; one started after it does")
    func metrics() async {
        await #expect(processExitsWith: .success) {
            let early = try Probe.Service(options: .named("metrics-early"))
            let metrics = TestMetrics()
            MetricsSystem.bootstrap(metrics)
            let late = try Probe.Service(options: .named("metrics-late"))
            for service in [early, late] {
                service.add(1)
                _ = try await service.sum()
            }
            func handled(_ name: String) -> Int64 {
                metrics.counterTotal(label: "nano_service_messages_handled", dimensions: [("service", name), ("method", "add(_:)")])
            }
            precondition(handled("metrics-late") == 1, "the service started after the bootstrap did not report")
            precondition(handled("metrics-early") == 0, "the service started before the bootstrap reported")
        }
    }

    @Test("a service started before InstrumentationSystem.bootstrap does not carry the caller's trace; one started after it does")
    func tracing() async {
        await #expect(processExitsWith: .success) {
            let early = try TraceSink.Service(options: .named("trace-early"))
            let tracer = InMemoryTracer()
            InstrumentationSystem.bootstrap(tracer)
            let late = try TraceSink.Service(options: .named("trace-late"))
            let traceID = try await withSpan("root") { root in
                early.record()
                late.record()
                _ = try await early.count()
                _ = try await late.count()
                return root.context.inMemorySpanContext!.traceID
            }
            let recorded = tracer.finishedSpans.filter { $0.operationName == "sink.record" }
            precondition(recorded.count == 2, "expected a span from each method, got \(recorded.count)")
            let inTrace = recorded.filter { $0.traceID == traceID }
            precondition(inTrace.count == 1, "exactly the late service's span joins the caller's trace, got \(inTrace.count)")
        }
    }
}
