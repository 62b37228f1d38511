/// A type whose instances run as nano services. `@NanoService` adds the conformance and
/// generates ``Service``, the thread-safe handle; you never conform by hand.
public protocol NanoService {
    /// The generated handle: spawn a service with its initializers, talk to it with its methods.
    associatedtype Service: ServiceHandle
}

/// The generated message enum of a service: one case per forwarded method.
///
/// Implementation detail of `@NanoService`; its members are called only by the runtime, on
/// the service's own thread.
public protocol _ServiceMessage: SendableMetatype {
    /// The service type whose methods the messages invoke.
    associatedtype Instance

    /// Invokes the method the message stands for, and answers the caller if it is a call.
    consuming func _handle(_ instance: inout Instance, _ context: _HandlerContext)

    /// Fails the message's caller with `error` because the message will never be handled.
    /// Returns `false` for a cast (the runtime counts it as dropped), `true` for a call (a
    /// caller was failed) or a timer tick (counted as skipped).
    consuming func _reject(_ error: ServiceError) -> Bool

    /// The method's Swift name (`add(_:)`), for logs and introspection.
    var _methodName: StaticString { get }

    /// A tick of one of the service's own timers (see ``ServiceTimers``): witnessed by the
    /// `case _$timerTick(...)` every generated enum has.
    static func _$timerTick(_ tick: _ServiceTimerTick<Self>) -> Self
}

/// Compile-time check used by generated code: a parameter or result that crosses to another
/// thread without `sending` must be `Sendable`. If this fails to compile, either make the
/// type `Sendable` or mark the parameter (or result) `sending` so it is moved, not shared.
@inlinable
public func _requireSendableOrSending<T: Sendable>(_ type: T.Type, _ what: StaticString) {}

/// The error a failable initializer's `nil` becomes, for generated code.
public func _initializerReturnedNil(_ typeName: String) -> ServiceError {
    ServiceError(.initializerFailed, service: typeName, message: "the failable initializer of '\(typeName)' returned nil")
}
