import Foundation
import InMemoryTracing
import Instrumentation
import NanoServices
import NanoServicesRemote
import Testing
import Tracing

/// The process's tracer: `InstrumentationSystem.bootstrap` may run once per process, and
/// services carry contexts only when started after it.
enum RemoteTracer {
    static let tracer: InMemoryTracer = {
        let tracer = InMemoryTracer()
        InstrumentationSystem.bootstrap(tracer)
        return tracer
    }()
}

/// A served service whose methods start spans: their parents show whether the caller's trace
/// context crossed the wire.
@NanoService
@RemoteService
final class Traced {
    private var notes = 0

    init() {}

    public func work(_ label: String) -> String {
        withSpan("traced.work") { span in
            span.attributes["label"] = label
            return "worked on \(label)"
        }
    }

    public func note() {
        withSpan("traced.note") { _ in notes += 1 }
    }

    public func noteCount() -> Int { notes }
}

@Suite(.timeLimit(.minutes(15)))
struct RemoteTracingTests {
    @Test func aCallAndACastJoinTheCallersTraceOnTheHost() async throws {
        let tracer = RemoteTracer.tracer
        let traced = try Traced.Service()  // after the bootstrap: carries contexts
        try await RemoteTestHarness.run(serving: { $0.serve(traced, as: "traced") }) { (harness: RemoteTestHarness) async throws in
            let remote = harness.client.handle(to: Traced.self, named: "traced")
            let (callRoot, castRoot) = try await withSpan("client.call") { callSpan in
                _ = try await remote.work("a")
                let castRoot = withSpan("client.cast") { castSpan in
                    remote.note()
                    return castSpan.context.inMemorySpanContext!
                }
                return (callSpan.context.inMemorySpanContext!, castRoot)
            }
            #expect(try await remote.noteCount() == 1)  // the cast was handled
            let spans = tracer.finishedSpans
            let work = try #require(spans.first { $0.operationName == "traced.work" && $0.traceID == callRoot.traceID })
            #expect(work.parentSpanID == callRoot.spanID)
            let note = try #require(spans.first { $0.operationName == "traced.note" && $0.traceID == castRoot.traceID })
            #expect(note.parentSpanID == castRoot.spanID)
        }
    }

    /// README: casts share a stream, "so each carries its own" trace context — 20 casts sent in
    /// a burst (batched on the stream), each inside a span of its own.
    @Test func eachBatchedCastCarriesItsOwnContext() async throws {
        let tracer = RemoteTracer.tracer
        let traced = try Traced.Service()
        try await RemoteTestHarness.run(serving: { $0.serve(traced, as: "traced") }) { (harness: RemoteTestHarness) async throws in
            let remote = harness.client.handle(to: Traced.self, named: "traced")
            let roots = (0..<20).map { index in
                withSpan("client.cast-\(index)") { span in
                    remote.note()
                    return span.context.inMemorySpanContext!
                }
            }
            #expect(try await remote.noteCount() == 20)
            let notes = tracer.finishedSpans.filter { $0.operationName == "traced.note" }
            for root in roots {
                let note = notes.first { $0.traceID == root.traceID }
                #expect(note?.parentSpanID == root.spanID, "the cast sent in \(root.spanID) lost its own context")
            }
        }
    }

    @Test func aBlockingCallFromAPlainThreadCarriesItsContext() async throws {
        let tracer = RemoteTracer.tracer
        let traced = try Traced.Service()
        try await RemoteTestHarness.run(serving: { $0.serve(traced, as: "traced") }) { (harness: RemoteTestHarness) async throws in
            let remote = harness.client.handle(to: Traced.self, named: "traced")
            let root: InMemorySpanContext = try await withCheckedThrowingContinuation { continuation in
                Thread.detachNewThread {  // a plain thread: the blocking overload, no task
                    continuation.resume(with: Result {
                        try withSpan("client.blocking") { span in
                            _ = try remote.work("b")
                            return span.context.inMemorySpanContext!
                        }
                    })
                }
            }
            let work = try #require(tracer.finishedSpans.first { $0.operationName == "traced.work" && $0.traceID == root.traceID })
            #expect(work.parentSpanID == root.spanID)
        }
    }

    @Test func withoutAContextNothingIsCarried() async throws {
        let tracer = RemoteTracer.tracer
        let traced = try Traced.Service()
        try await RemoteTestHarness.run(serving: { $0.serve(traced, as: "traced") }) { (harness: RemoteTestHarness) async throws in
            let remote = harness.client.handle(to: Traced.self, named: "traced")
            #expect(try await remote.work("no context") == "worked on no context")
            // Tests run in parallel: find this test's span by its label.
            let work = try #require(tracer.finishedSpans.first { $0.attributes.get("label") == .string("no context") })
            #expect(work.parentSpanID == nil)  // a root span of its own trace
        }
    }
}
