import CoreMetrics
import Synchronization

/// One service's swift-metrics objects, created once when the service starts (and once per
/// method when the method is first seen), never per message.
///
/// A service gets one only if a metrics backend other than swift-metrics' no-op default was
/// bootstrapped before it started; otherwise the runtime skips every metrics step.
///
/// | metric | type | dimensions |
/// |---|---|---|
/// | `nano_service_messages_handled` | counter | `service`, `method` |
/// | `nano_service_queue_wait` | timer (ns) | `service`, `method` |
/// | `nano_service_call_duration` | timer (ns), measured by the caller | `service`, `method` |
/// | `nano_service_mailbox_depth` | gauge, per batch | `service` |
/// | `nano_service_call_failures` | counter | `service`, `code` |
/// | `nano_service_casts_dropped` | counter | `service` |
/// | `nano_service_restarts` | counter (supervised services, Supervision/SupervisionLink.swift) | `service` |
///
/// Thread safety: all members may be used from any thread (swift-metrics handlers are).
@usableFromInline
final class ServiceMetrics: Sendable {
    let serviceName: String
    @usableFromInline let mailboxDepth: Gauge
    let castsDropped: CoreMetrics.Counter
    private let failures = Locked<[ServiceError.Code: CoreMetrics.Counter]>([:])

    /// Whether a real backend is bootstrapped. One lock round trip; call at service start.
    static var isEnabled: Bool { type(of: MetricsSystem.factory) != NOOPMetricsHandler.self }  // no dynamic cast

    init(serviceName: String) {
        self.serviceName = serviceName
        mailboxDepth = Gauge(label: "nano_service_mailbox_depth", dimensions: [("service", serviceName)])
        castsDropped = CoreMetrics.Counter(label: "nano_service_casts_dropped", dimensions: [("service", serviceName)])
    }

    func method(_ name: String) -> MethodMetrics {
        MethodMetrics(service: serviceName, method: name)
    }

    func noteCallFailed(_ code: ServiceError.Code) {
        let counter = failures.withLock { table in
            if let found = table[code] { return found }
            let created = CoreMetrics.Counter(
                label: "nano_service_call_failures", dimensions: [("service", serviceName), ("code", "\(code)")])
            table[code] = created
            return created
        }
        counter.increment()
    }
}

/// One method's metric objects. Thread safety: any thread.
@usableFromInline
final class MethodMetrics: Sendable {
    @usableFromInline let handled: CoreMetrics.Counter
    @usableFromInline let queueWait: CoreMetrics.Timer
    @usableFromInline let callDuration: CoreMetrics.Timer

    init(service: String, method: String) {
        let dimensions = [("service", service), ("method", method)]
        handled = CoreMetrics.Counter(label: "nano_service_messages_handled", dimensions: dimensions)
        queueWait = CoreMetrics.Timer(label: "nano_service_queue_wait", dimensions: dimensions)
        callDuration = CoreMetrics.Timer(label: "nano_service_call_duration", dimensions: dimensions)
    }

    /// A message sent at `enqueuedAt` (0: not measured) was taken from the mailbox in a batch
    /// at `takenAt` and is being handled.
    @inlinable
    func noteHandled(enqueuedAt: UInt64, takenAt: UInt64) {
        handled.increment()
        if enqueuedAt != 0 {
            let wait = takenAt > enqueuedAt ? takenAt &- enqueuedAt : 0
            queueWait.recordNanoseconds(Int64(truncatingIfNeeded: wait))
        }
    }
}
