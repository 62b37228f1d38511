/// The thread-safe handle `@NanoService` generates for a service type (`Counter.Service`).
///
/// A handle is a small `Sendable` struct: copy it freely and use it from any thread or task;
/// every copy feeds the same mailbox. Its methods mirror the service type's public methods.
/// When the last copy is released, the service stops gracefully: it handles what is already
/// queued, then its thread ends.
///
/// Lifecycle methods (`stop`, `join`, `requestStop`) and read-only status (`name`, `state`,
/// `droppedCasts`) come from this protocol's extension; a service method with one of these
/// names is rejected by the macro.
public protocol ServiceHandle: Sendable {
    /// The generated message enum.
    associatedtype _Message: _ServiceMessage
    /// The runtime object behind the handle. Implementation detail of `@NanoService`.
    var _$runtime: _ServiceRuntime<_Message> { get }
    /// Wraps a runtime object. Implementation detail of `@NanoService`.
    init(_$runtime: _ServiceRuntime<_Message>)
}

extension ServiceHandle {
    /// The service's name (its thread's name, truncated to 15 bytes on Linux).
    public var name: String { _$runtime.core.name }

    /// Where the service is in its life. A snapshot: it may change as soon as it is read.
    public var state: ServiceState { _$runtime.core.state }

    /// Casts that were not handled because the service was stopping or stopped.
    public var droppedCasts: Int { _$runtime.core.droppedCasts }

    /// A handle to the same service whose calls give up after `limit` with
    /// ``ServiceError/Code/timeout``, overriding ``ServiceOptions/callTimeout``:
    ///
    /// ```swift
    /// let total = try counter.timeout(.milliseconds(50)).current()
    /// ```
    ///
    /// The late answer of a timed-out call is dropped on the service's thread; the service
    /// keeps working. Casts are unaffected. Cost: one small allocation; keep the returned
    /// handle to reuse it.
    public func timeout(_ limit: Duration) -> Self {
        Self(_$runtime: _$runtime.withCallTimeout(limit))
    }

    /// Messages accepted and not yet handled: a snapshot, for monitoring.
    public var mailboxDepth: Int { _$runtime.core.mailbox.depth }

    /// Asks the service to stop and returns at once. Callable from anywhere, including the
    /// service's own methods. Repeating it is harmless; `.immediate` upgrades an earlier
    /// `.graceful` request.
    public func requestStop(_ mode: StopMode = .graceful) {
        _$runtime.core.requestStop(mode)
    }

    /// Stops the service and blocks the calling thread until its thread has ended.
    ///
    /// - Throws: ``ServiceError/Code/deadlock`` when called on the service's own thread,
    ///   which can never see itself end (the stop is still requested).
    public func stop(_ mode: StopMode = .graceful) throws {
        requestStop(mode)
        try join()
    }

    /// Stops the service and suspends until its thread has ended. Blocks no thread.
    ///
    /// - Throws: ``ServiceError/Code/deadlock`` when called on the service's own thread.
    public func stop(_ mode: StopMode = .graceful) async throws {
        requestStop(mode)
        try await join()
    }

    /// Blocks the calling thread until the service's thread has ended (after a stop, or once
    /// the last handle is released elsewhere).
    ///
    /// Called from another service, the wait is part of deadlock detection like a call: if
    /// the service being joined is blocked, directly or along a chain, on the caller, the
    /// join throws instead of waiting forever.
    ///
    /// - Throws: ``ServiceError/Code/deadlock`` on the service's own thread, or when the wait
    ///   would close a cycle of services waiting on each other.
    public func join() throws {
        let core = _$runtime.core
        try core.checkNotOwnThread(operation: "join")
        if core.termination.isSet { return }
        let caller = _ServiceContext.current
        if let caller { try caller.beginWaiting(on: core, method: "join", joining: true) }
        defer { caller?.endWaiting() }
        _ServiceContext.blockingPoolThread { core.termination.wait() }
    }

    /// Suspends until the service's thread has ended. Blocks no thread.
    ///
    /// From an `async` method that holds its service, the wait is part of deadlock detection
    /// like a call (see the blocking ``join()``).
    ///
    /// - Throws: ``ServiceError/Code/deadlock`` on the service's own thread, or when the wait
    ///   would close a cycle of services waiting on each other.
    public func join() async throws {
        let core = _$runtime.core
        try core.checkNotOwnThread(operation: "join")
        if core.termination.isSet { return }
        var waiter: _ServiceContext? = nil
        if let caller = _ServiceContext.current, caller.isInHoldingMethod {
            try caller.beginWaiting(on: core, method: "join", joining: true)
            waiter = caller
        }
        defer { waiter?.endWaiting() }
        await core.termination.wait()
    }
}
