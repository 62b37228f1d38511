/// The object every copy of a service handle shares. Implementation detail of `@NanoService`:
/// generated handles store one and forward to it.
///
/// Its lifetime *is* the handles' lifetime: when the last handle copy is released, `deinit`
/// asks the service to stop gracefully, so a service nobody can reach does not keep a thread.
///
/// Thread safety: all members may be used from any thread.
public final class _ServiceRuntime<Message: _ServiceMessage>: Sendable {
    @usableFromInline let core: ServiceCore<Message>

    /// Spawns the service: starts its thread, which runs `make` to create the instance.
    ///
    /// - Parameters:
    ///   - initializerThrows: the type's initializer can fail; the spawner then waits for it
    ///     and rethrows its error. A non-throwing initializer is not waited for: it runs on
    ///     the new thread before any message.
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
    }

    deinit {
        core.requestStop(.graceful)
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
        try core.call(consume message, reply)
    }

    /// Sends a call (`message` carries `reply`) and suspends the calling task until the
    /// service answers. Blocks no thread.
    @inlinable
    public func _call<Result>(_ message: consuming Message, _ reply: _Reply<Result>) async throws -> sending Result {
        try await core.call(consume message, reply)
    }
}
