import InMemoryTracing
import NanoServices
import Testing
import Tracing

@Suite("Observability: tracing")
struct ObservabilityTracingTests {
    @Test("front calls relay, which casts to sink: one trace, each span the child of the one before")
    func contextTravelsWithCallsAndCasts() async throws {
        let tracer = SharedBackends.tracer
        let sink = try TraceSink.Service(options: .named("trace-sink"))
        let relay = try TraceRelay.Service(sink: sink, options: .named("trace-relay"))
        let front = try TraceFront.Service(relay: relay, options: .named("trace-front"))

        let traceID = try await withSpan("test.root") { root in
            _ = try await front.handle()
            return root.context.inMemorySpanContext!.traceID
        }
        #expect(try await sink.count() == 1)  // the cast was handled (FIFO behind it)

        let spans = tracer.finishedSpans.filter { $0.traceID == traceID }
        let byName = Dictionary(spans.map { ($0.operationName, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(spans.count == 4)
        let root = try #require(byName["test.root"])
        let handle = try #require(byName["front.handle"])
        let relayed = try #require(byName["relay.relay"])
        let recorded = try #require(byName["sink.record"])
        #expect(root.parentSpanID == nil)
        #expect(handle.parentSpanID == root.spanID)
        #expect(relayed.parentSpanID == handle.spanID)
        #expect(recorded.parentSpanID == relayed.spanID)
        try await front.control.stop()
        try await relay.control.stop()
        try await sink.control.stop()
    }

    @Test("an async method runs in the caller's trace")
    func asyncMethodKeepsContext() async throws {
        let tracer = SharedBackends.tracer
        let sink = try TraceSink.Service(options: .named("trace-sink-async"))
        let relay = try TraceRelay.Service(sink: sink, options: .named("trace-relay-async"))
        let front = try TraceFront.Service(relay: relay, options: .named("trace-front-async"))

        let traceID = try await withSpan("test.asyncRoot") { root in
            _ = try await front.handleLater()
            return root.context.inMemorySpanContext!.traceID
        }
        #expect(try await sink.count() == 1)
        let spans = tracer.finishedSpans.filter { $0.traceID == traceID }
        #expect(Set(spans.map(\.operationName)) == ["test.asyncRoot", "front.handleLater", "relay.relay", "sink.record"])
        let later = try #require(spans.first { $0.operationName == "front.handleLater" })
        let root = try #require(spans.first { $0.operationName == "test.asyncRoot" })
        #expect(later.parentSpanID == root.spanID)
        try await front.control.stop()
        try await relay.control.stop()
        try await sink.control.stop()
    }

    @Test("without a context, nothing is carried: the service sees none")
    func noContextNoCarry() async throws {
        let sink = try TraceSink.Service(options: .named("trace-none"))
        sink.record()
        #expect(try await sink.count() == 1)
        try await sink.control.stop()
    }
}
