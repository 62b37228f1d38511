import Instrumentation
import InMemoryTracing
import Metrics
import MetricsTestKit

/// The process-wide backends of the observability tests. `MetricsSystem.bootstrap` and
/// `InstrumentationSystem.bootstrap` may run once per process, so every test shares these and
/// filters by dimensions (service names) or trace ids unique to itself.
enum SharedBackends {
    static let metrics: TestMetrics = {
        let metrics = TestMetrics()
        MetricsSystem.bootstrap(metrics)
        return metrics
    }()

    static let tracer: InMemoryTracer = {
        let tracer = InMemoryTracer()
        InstrumentationSystem.bootstrap(tracer)
        return tracer
    }()
}
