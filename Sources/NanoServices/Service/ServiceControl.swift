/// Lifecycle and introspection of one service: `counter.control.stop()`,
/// `counter.control.state`, `counter.control.snapshot()`.
///
/// Every handle has exactly one such property, ``ServiceHandle/control``, so that a service's
/// own methods can use any other name (`stop`, `join`, `state`, `name`, ...): the handle
/// forwards them like every other method.
///
/// A `ServiceControl` is a small `Sendable` value: use it from any thread or task. Like a copy
/// of the handle, it keeps the service alive while it exists (a service stops on its own once
/// the last handle *and* the last control value are released). A protocol can require it, so
/// that code written against the protocol can stop or inspect the service:
///
/// ```swift
/// protocol Room: Sendable {
///     var control: ServiceControl { get }
///     func join(_ user: String)
/// }
/// ```
public struct ServiceControl: Sendable {
    /// The service, independent of its message type.
    @usableFromInline let core: any RunningService
    /// Keeps the service running like a handle copy; `nil` when taken from an unowned handle
    /// (``ServiceHandle/unownedCurrent``).
    @usableFromInline let lifetime: (any AnyObject & Sendable)?

    @usableFromInline
    init(core: any RunningService, lifetime: (any AnyObject & Sendable)?) {
        self.core = core
        self.lifetime = lifetime
    }

    /// Whether this value (and the handle it came from) is unowned
    /// (``ServiceHandle/unownedCurrent``): it does not keep the service running. Any thread; free.
    public var isUnowned: Bool { lifetime == nil }

    /// The service's name: ``ServiceOptions/name``, else the type's name. Any thread; free.
    public var name: String { core.name }

    /// Where the service is in its life. A snapshot: it may change as soon as it is read.
    /// Any thread; one atomic load.
    public var state: ServiceState { core.state }

    /// Casts that were not handled: sent after a stop, dropped by a full mailbox's policy, or
    /// discarded by an immediate stop. Any thread; one atomic load.
    public var droppedCasts: Int { core.droppedCasts }

    /// Messages accepted and not yet handled (also those of the batch the service is working
    /// through): a snapshot, for monitoring. Any thread; one mailbox lock round trip.
    public var mailboxDepth: Int { core.running.queuedMessageCount }

    /// Asks the service to stop and returns at once. Any thread, including the service's own
    /// methods; never blocks. Repeating it is harmless; `.immediate` upgrades an earlier
    /// `.graceful` request.
    ///
    /// - `.graceful`: refuse new messages, handle the queued ones, end the thread.
    /// - `.immediate`: queued calls fail with ``ServiceError/Code/stopped``, queued casts are
    ///   dropped and counted in ``droppedCasts``, suspended `async` methods are cancelled.
    public func requestStop(_ mode: StopMode = .graceful) {
        core.running.requestStop(mode)
    }

    /// Stops the service and blocks the calling thread until its thread has ended.
    ///
    /// Not available from async code (it would hold a cooperative thread): use
    /// `try await control.stop()` there.
    ///
    /// - Throws: ``ServiceError/Code/deadlock`` when called on the service's own thread,
    ///   which can never see itself end (the stop is still requested).
    @available(*, noasync, message: "blocks the calling thread: use 'try await control.stop()' in async code")
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
    /// join throws instead of waiting forever. Not available from async code: use
    /// `try await control.join()` there.
    ///
    /// - Throws: ``ServiceError/Code/deadlock`` on the service's own thread, or when the wait
    ///   would close a cycle of services waiting on each other.
    @available(*, noasync, message: "blocks the calling thread: use 'try await control.join()' in async code")
    public func join() throws {
        let core = core
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
        let core = core
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
