/// The object every copy of a service handle shares. Implementation detail of `@NanoService`:
/// generated handles store one and forward to it.
///
/// The runtime a spawn creates *owns* the service: when the last handle copy (and the last
/// ``ServiceControl`` taken from one) releases it, its `deinit` asks the service to stop
/// gracefully, so a service nobody can reach does not keep a thread. A runtime made by
/// `timingOut(after:)` keeps its owner alive; an unowned one (``ServiceHandle/unownedCurrent``)
/// keeps nothing.
///
/// Thread safety: all members may be used from any thread.
public final class _ServiceRuntime<Message: _ServiceMessage>: Sendable {
    @usableFromInline let core: ServiceCore<Message>
    /// The owning runtime this one keeps alive: set for those made by `timingOut(after:)`.
    @usableFromInline let owner: _ServiceRuntime?
    /// This handle's call time limit in nanoseconds (≥ 0), or one of the two values below:
    /// whether the runtime owns its service is folded into the same word, so that the object
    /// is 40 bytes (one per spawned service).
    @usableFromInline let limitOrRole: Int64
    /// No limit of its own; releasing it stops the service (the runtime a spawn made).
    @inlinable static var owning: Int64 { .min }
    /// No limit of its own; owns nothing.
    @inlinable static var notOwning: Int64 { .min + 1 }

    /// Whether releasing this runtime stops the service (the one a spawn made).
    @inlinable var ownsService: Bool { limitOrRole == Self.owning }
    /// This handle's call time limit in nanoseconds, or `nil` for the service's default.
    @inlinable var callTimeoutNanoseconds: Int64? { limitOrRole >= 0 ? limitOrRole : nil }

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
        owner = nil
        limitOrRole = Self.owning
    }

    /// A runtime for `core`: the owner of the service when `owning`, else an unowned one.
    init(core: ServiceCore<Message>, owning: Bool) {
        self.core = core
        self.owner = nil
        self.limitOrRole = owning ? Self.owning : Self.notOwning
    }

    private init(core: ServiceCore<Message>, owner: _ServiceRuntime?, callTimeoutNanoseconds: Int64) {
        self.core = core
        self.owner = owner
        self.limitOrRole = max(callTimeoutNanoseconds, 0)
    }

    deinit {
        if ownsService { core.requestStop(.graceful) }
    }

    /// What keeps the service running while a ``ServiceControl`` taken from this handle is
    /// alive: the owning runtime, or `nil` for an unowned handle.
    @inlinable var lifetime: (any AnyObject & Sendable)? { ownsService ? self : owner }

    /// A runtime for the same service whose calls use `timeout`.
    func withCallTimeout(_ timeout: Duration) -> _ServiceRuntime {
        _ServiceRuntime(core: core, owner: ownsService ? self : owner, callTimeoutNanoseconds: timeout.nanosecondsClamped)
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

    /// The fast path of a blocking call to a synchronous method: runs `body` (which calls the
    /// method on the instance) on the calling thread when the service is pooled and idle and
    /// the call may run inline (see ``ServiceCore/callDirect(_:timeoutNanoseconds:_:)``);
    /// returns `nil` otherwise, and the handle then sends the call as a message. `method` is
    /// the method's name as the message's `_methodName` gives it.
    @inlinable
    public func _callDirect<Result>(
        _ method: StaticString, _ body: (inout Message.Instance) throws -> Result
    ) throws -> Result? {
        try core.callDirect(method, timeoutNanoseconds: callTimeoutNanoseconds, body)
    }

    /// Sends a call (`message` carries `reply`) and suspends the calling task until the
    /// service answers. Blocks no thread.
    @inlinable
    public func _call<Result>(_ message: consuming Message, _ reply: _Reply<Result>) async throws -> sending Result {
        try await core.call(consume message, reply, timeoutNanoseconds: callTimeoutNanoseconds)
    }
}
