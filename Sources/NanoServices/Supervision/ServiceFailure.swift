import CNanoServicesShims

/// An error a service method throws to say that its instance is broken and must be replaced:
/// a lost connection, a corrupt cache, an invariant that no longer holds.
///
/// ```swift
/// public func query(_ sql: String) throws -> [Row] {
///     guard connection.isOpen else { throw ServiceFailure("connection lost") }
///     return try connection.run(sql)
/// }
/// ```
///
/// In a service started by a ``Supervisor``, the instance is dropped after the method returns,
/// the caller of the failed call gets ``ServiceError/Code/restarted``, and the supervisor
/// decides (restart with a fresh instance, or give up). In a service nobody supervises, the
/// caller gets this error unchanged and the service keeps running, as with any other error.
/// From a method that cannot throw, use ``CurrentService/fail(_:)``.
public struct ServiceFailure: Error, CustomStringConvertible, Sendable {
    /// Why the instance failed, for the supervisor's log.
    public var reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { "ServiceFailure: \(reason)" }

    /// Turns a `ServiceFailure` thrown by a call of a supervised service into `restarted` for
    /// the caller, and marks the instance failed. Service thread (the reply is being filled by
    /// the method's service); other errors pass unchanged.
    @usableFromInline
    static func intercept(_ error: any Error) -> any Error {
        guard let failure = error as? ServiceFailure, let raw = nano_current_service() else { return error }
        let service = Unmanaged<_ServiceContext>.fromOpaque(raw).takeUnretainedValue()
        guard let supervision = service.supervision else { return error }
        supervision.noteFailure(failure, method: nil, of: service)
        return ServiceError(.restarted, service: service,
                            message: "the service failed while handling the call (\(failure.reason)) and is being restarted")
    }
}

extension CurrentService {
    /// Reports that the calling service's instance is broken. The current message finishes
    /// (a call still gets its answer); then, in a supervised service, the instance is dropped
    /// and its ``Supervisor`` decides. In a service nobody supervises, the failure is logged at
    /// `error` and the service stops at once (queued calls fail with `stopped`).
    ///
    /// Call it on the service's thread (inside one of its methods); elsewhere it does nothing.
    /// Cost: one thread-local read.
    public static func fail(_ error: any Error) {
        guard let raw = nano_current_service() else { return }
        let service = Unmanaged<_ServiceContext>.fromOpaque(raw).takeUnretainedValue()
        if let supervision = service.supervision {
            supervision.noteFailure(error, method: nil, of: service)
        } else {
            service.logger.error("service reported a failure and has no supervisor: stopping", metadata: ["reason": "\(error)"])
            service.running.requestStop(.immediate)
        }
    }
}
