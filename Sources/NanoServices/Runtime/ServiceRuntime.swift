/// The object every copy of a service handle shares. Implementation detail of `@NanoService`:
/// generated handles store one and forward to it.
///
/// Every handle copy shares a ``ServiceLifetime``: when the last handle copy is released, it
/// asks the service to stop gracefully, so a service nobody can reach does not keep a thread.
///
/// Thread safety: all members may be used from any thread.
public final class _ServiceRuntime<Message: _ServiceMessage>: Sendable {
    @usableFromInline let core: ServiceCore<Message>
    /// Shared by every owning handle of the service, including those made by `timingOut(after:)`;
    /// `nil` for an unowned handle (``ServiceHandle/unownedCurrent``), which does not keep the
    /// service running.
    @usableFromInline let lifetime: ServiceLifetime?
    /// This handle's call time limit in nanoseconds, or `nil` for the service's default.
    @usableFromInline let callTimeoutNanoseconds: Int64?

    /// Spawns the service: starts its thread, which runs `make` to create the instance.
    ///
    /// - Parameters:
    ///   - initializerThrows: the type's initializer can fail; the spawner then waits for it
    ///     and rethrows its error. A non-throwing initializer is not waited for: it runs on
    ///     the new thread before any message (a pooled service's runs on the spawning thread
    ///     when that may block: see `Pool/ServiceCore+InlineLifecycle.swift`).
    /// - Throws: the initializer's own error, or ``ServiceError/Code/spawnFailed``.
    @inlinable
    public init(
        typeName: String,
        options: ServiceOptions,
        initializerThrows: Bool,
        _ make: sending @escaping () throws -> Message.Instance
    ) throws {
        core = try ServiceCore<Message>.spawn(
            typeName: typeName, options: options, waitForInitializer: initializerThrows, make: make)
        lifetime = ServiceLifetime(core)
        callTimeoutNanoseconds = nil
    }

    init(core: ServiceCore<Message>, lifetime: ServiceLifetime?, callTimeoutNanoseconds: Int64?) {
        self.core = core
        self.lifetime = lifetime
        self.callTimeoutNanoseconds = callTimeoutNanoseconds
    }

    /// A runtime for the same service whose calls use `timeout`.
    func withCallTimeout(_ timeout: Duration) -> _ServiceRuntime {
        _ServiceRuntime(core: core, lifetime: lifetime, callTimeoutNanoseconds: timeout.nanosecondsClamped)
    }

    /// Enqueues a cast and returns at once.
    @inlinable
    public func _cast(_ message: consuming Message) {
        core.cast(consume message)
    }

    /// Sends a call (`message` carries `reply`) and blocks the calling thread until the
    /// service answers: spins briefly, then parks.
    @inlinable
    public func _call<Result>(_ message: consuming Message, _ reply: _Reply<Result>) throws -> sending Result {
        try core.call(consume message, reply, timeoutNanoseconds: callTimeoutNanoseconds)
    }

    /// Sends a call (`message` carries `reply`) and suspends the calling task until the
    /// service answers. Blocks no thread.
    @inlinable
    public func _call<Result>(_ message: consuming Message, _ reply: _Reply<Result>) async throws -> sending Result {
        try await core.call(consume message, reply, timeoutNanoseconds: callTimeoutNanoseconds)
    }
}

/// Stops its service gracefully when released: the last handle is gone, so nobody can send it
/// anything any more. Its thread finishes what is queued and ends.
@usableFromInline
final class ServiceLifetime: Sendable {
    let core: _ServiceContext

    @usableFromInline
    init(_ core: _ServiceContext) { self.core = core }

    deinit { core.requestStop(.graceful) }
}
