import NanoServices
import ServiceLifecycle

/// A ``NanoServices/Supervisor`` as a swift-service-lifecycle `Service`, to run in a
/// `ServiceGroup` beside an HTTP or gRPC server:
///
/// ```swift
/// let supervisor = Supervisor(name: "storage")
/// let db = try supervisor.start(Database.self) { try Database(url: url) }
/// let group = ServiceGroup(services: [SupervisorService(supervisor), httpServer],
///                          gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
///
/// On graceful shutdown the supervisor stops its children in reverse start order, each one
/// draining its mailbox before the next one stops; when the group's
/// `maximumGracefulShutdownDuration` passes, or the group is cancelled, it stops them at once
/// (queued calls fail with `stopped`). If the supervisor gives up (too many restarts), `run()`
/// throws ``NanoServices/ServiceError/Code/restartLimitExceeded`` and the group sees a failed
/// service.
///
/// `run()` suspends until the supervisor has stopped; it blocks no thread.
public struct SupervisorService: Service {
    public let supervisor: Supervisor

    public init(_ supervisor: Supervisor) { self.supervisor = supervisor }

    public func run() async throws {
        let supervisor = self.supervisor
        try await withGracefulShutdownHandler {
            try await supervisor.run()  // cancellation: immediate stop
        } onGracefulShutdown: {
            supervisor.requestStop(.graceful)
        }
    }
}
