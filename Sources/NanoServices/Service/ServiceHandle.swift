/// The thread-safe handle `@NanoService` generates for a service type (`Counter.Service`).
///
/// A handle is a small `Sendable` struct: copy it freely and use it from any thread or task;
/// every copy feeds the same mailbox. Its methods mirror the service type's public methods.
/// When the last copy is released, the service stops gracefully: it handles what is already
/// queued, then its thread ends.
///
/// Apart from the forwarded methods, a handle has two members of its own, so that a service's
/// methods may use any other name: ``control`` (lifecycle and introspection: `stop`, `join`,
/// `requestStop`, `state`, `name`, `droppedCasts`, `mailboxDepth`, `snapshot`) and
/// ``timingOut(after:)`` (a time limit for one call site). A service method named `control` or
/// `timingOut` is rejected by the macro.
public protocol ServiceHandle: Sendable {
    /// The generated message enum.
    associatedtype _Message: _ServiceMessage
    /// The runtime object behind the handle. Implementation detail of `@NanoService`.
    var _$runtime: _ServiceRuntime<_Message> { get }
    /// Wraps a runtime object. Implementation detail of `@NanoService`.
    init(_$runtime: _ServiceRuntime<_Message>)
}

extension ServiceHandle {
    /// Lifecycle and introspection of the service: `control.stop()`, `try await
    /// control.stop()`, `control.join()`, `control.requestStop()`, `control.state`,
    /// `control.name`, `control.droppedCasts`, `control.mailboxDepth`, `control.snapshot()`.
    ///
    /// Any thread; free (no allocation, no lock). The value keeps the service alive like a
    /// handle copy. See ``ServiceControl``.
    @inlinable  // specialized at the call site: generic, it looked up metadata on every use
    public var control: ServiceControl {
        ServiceControl(core: _$runtime.core, lifetime: _$runtime.lifetime)
    }

    /// A handle to the same service whose calls give up after `limit` with
    /// ``ServiceError/Code/timeout``, overriding ``ServiceOptions/callTimeout``:
    ///
    /// ```swift
    /// let row = try store.timingOut(after: .milliseconds(50)).load(id)
    /// ```
    ///
    /// The late answer of a timed-out call is dropped on the service's thread; the service
    /// keeps working. Casts are unaffected. Any thread; cost: one small allocation; keep the
    /// returned handle to reuse it.
    public func timingOut(after limit: Duration) -> Self {
        Self(_$runtime: _$runtime.withCallTimeout(limit))
    }
}
