import NanoServices
import ServiceLifecycle

/// Services (not supervised) run as one swift-service-lifecycle `Service`: started before the
/// group runs, stopped by it.
///
/// ```swift
/// let cache = try Cache.Service()
/// let audit = try Audit.Service(cache: cache)
/// let group = ServiceGroup(services: [NanoServicesGroup(cache.control, audit.control), server], logger: logger)
/// ```
///
/// Give the services in start order: on graceful shutdown they are stopped in reverse order,
/// each draining its mailbox before the next one stops; on cancellation (or when the group's
/// `maximumGracefulShutdownDuration` passes) all of them stop at once. `run()` returns once
/// every service has stopped, and throws ``NanoServices/ServiceError/Code/stopped`` if they
/// all stopped before any shutdown was asked for. It suspends and blocks no thread.
public struct NanoServicesGroup: Service {
    /// The services, in start order.
    public let services: [ServiceControl]

    public init(_ services: ServiceControl...) { self.services = services }

    public init(_ services: [ServiceControl]) { self.services = services }

    public func run() async throws {
        let stopper = ReverseOrderStopper(services)
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                for service in services { try? await service.join() }
            } onGracefulShutdown: {
                stopper.stop(.graceful)
            }
        } onCancel: {
            stopper.stop(.immediate)
        }
        if !stopper.wasAsked && !services.isEmpty {
            throw ServiceError(.stopped, service: services.map(\.name).joined(separator: ","),
                               message: "every service of the group stopped before the group was shut down")
        }
    }
}
