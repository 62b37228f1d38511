import Logging

/// Keeps services running: starts them from factories, and when one fails — its initializer
/// throws, a `@Cast` method throws, a method throws ``ServiceFailure``, or it calls
/// ``CurrentService/fail(_:)`` — builds a fresh instance by running its factory again, after
/// a backoff, in place: handles taken before the failure reach the new instance.
///
/// ```swift
/// let supervisor = Supervisor(name: "storage", strategy: .oneForOne,
///                             intensity: .init(maxRestarts: 5, within: .seconds(10)))
/// let db = try supervisor.start(Database.self) { try Database(url: url) }   // Database.Service
/// let cache = try supervisor.start(Cache.self, restart: .transient) { Cache(db: db) }
/// try await supervisor.run()    // until stopped; throws if it gives up
/// ```
///
/// A failed child drops its instance (on its own thread), keeps its mailbox and waits, handling
/// nothing, until the supervisor rebuilds it; messages queue meanwhile (see ``QueuedMessages``).
/// A failure during start-up is a failure like any other: the factory runs again after the
/// backoff (a database that is not up yet). Restarts beyond the ``RestartIntensity`` make the
/// supervisor give up: it stops its children and ``run()`` throws
/// ``ServiceError/Code/restartLimitExceeded`` — or, under a parent supervisor
/// (``supervise(_:restart:)``), it takes its children down and the parent treats it as a failed
/// child. A trap (`fatalError`, an overflow) ends the whole process: it cannot be supervised
/// in-process.
///
/// Thread safety: every method may be used from any thread or task. Decisions are made one
/// failure at a time on a task of the supervisor's own; factories run on the child's thread.
/// Lifetime: the supervisor keeps its children running until ``stop(_:)``; releasing it
/// releases its hold on them (they then stop when their last handle goes).
public final class Supervisor: Sendable {
    /// The supervisor's name, in its log records and errors.
    public let name: String
    public let strategy: Strategy
    let backoff: Backoff
    let queuedMessages: QueuedMessages
    let logger: Logger
    let clock: SupervisorClock
    let state: Locked<State>
    let eventSink: AsyncStream<(Int, SupervisorEvent)>.Continuation
    /// Set once the supervisor has stopped or given up (for the blocking ``stop(_:)``).
    let ended = OneShotEvent()

    /// - Parameters:
    ///   - strategy: which children a failure restarts.
    ///   - intensity: how many restarts within a period before giving up.
    ///   - backoff: the wait before a restart (the backoff for the n-th restart in the period).
    ///   - queuedMessages: keep or drop the messages queued for a failed child.
    ///   - clock: measures the intensity period and the backoff waits (a manual clock in tests).
    ///   - logger: where failures and restarts are reported (`error` / `warning`).
    public init(
        name: String = "supervisor",
        strategy: Strategy = .oneForOne,
        intensity: RestartIntensity = RestartIntensity(maxRestarts: 3, within: .seconds(5)),
        backoff: Backoff = .exponential(),
        queuedMessages: QueuedMessages = .keep,
        clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger = Logger(label: "NanoServices")
    ) {
        self.name = name
        self.strategy = strategy
        self.backoff = backoff
        self.queuedMessages = queuedMessages
        var logger = logger
        logger[metadataKey: "supervisor"] = "\(name)"
        self.logger = logger
        self.clock = SupervisorClock(clock)
        self.state = Locked(State(history: RestartHistory(intensity)))
        let (events, sink) = AsyncStream.makeStream(of: (Int, SupervisorEvent).self)
        self.eventSink = sink
        let processing = Task { [weak self] in
            for await (childID, event) in events {
                guard let self, !Task.isCancelled else { return }
                await self.handle(event, ofChild: childID)
            }
        }
        state.withLock { $0.processing = processing }
    }

    deinit { eventSink.finish() }

    /// Starts a supervised service on its own thread (or where `options.placement` says) and
    /// returns its handle. `factory` runs on the service's thread, now and after every restart;
    /// it is not waited for: if it throws, the supervisor restarts it after the backoff and the
    /// messages sent meanwhile wait for the instance.
    ///
    /// Any thread; does not block. Cost: a service spawn.
    /// - Throws: ``ServiceError/Code/stopped`` once the supervisor is stopping or has given up;
    ///   ``ServiceError/Code/invalidOptions`` or ``ServiceError/Code/spawnFailed`` as a spawn does.
    @discardableResult
    public func start<Instance: NanoService>(
        _ type: Instance.Type = Instance.self,
        restart: Restart = .permanent,
        options: ServiceOptions = ServiceOptions(),
        _ factory: @escaping @Sendable () throws -> Instance
    ) throws -> Instance.Service where Instance.Service._Message.Instance == Instance {
        try state.withLock { state in
            let id = try state.admitChild(supervisorName: name)
            let sink = eventSink
            let link = SupervisionLink(childID: id, factory: factory, dropsQueuedMessages: queuedMessages == .drop) { link, event in
                sink.yield((link.childID, event))
            }
            let core = try ServiceCore<Instance.Service._Message>.spawn(
                typeName: "\(Instance.self)", options: options, waitForInitializer: false, supervision: link, make: factory)
            let handle = Instance.Service(_$runtime: _ServiceRuntime(core: core, owning: true))
            state.children.append(Child(id: id, restart: restart, entry: ServiceChild(link: link, control: handle.control)))
            return handle
        }
    }

    /// Makes `child` a child of this supervisor: when it gives up, this supervisor treats it
    /// as a failed child (and restarts its children in place, after the backoff); when this
    /// one stops, it stops `child` in turn. Any thread.
    /// - Throws: ``ServiceError/Code/stopped`` if either supervisor is stopping;
    ///   ``ServiceError/Code/invalidOptions`` if `child` already has a parent or is this supervisor.
    public func supervise(_ child: Supervisor, restart: Restart = .permanent) throws {
        guard child !== self else {
            throw ServiceError(.invalidOptions, service: name, message: "a supervisor cannot supervise itself")
        }
        try state.withLock { state in
            let id = try state.admitChild(supervisorName: name)
            let sink = eventSink
            try child.attach(toParent: name) { event in sink.yield((id, event)) }
            state.children.append(Child(id: id, restart: restart, entry: SupervisorChild(supervisor: child)))
        }
    }

    /// Restarts made so far, over all children. Any thread.
    public var restarts: Int { state.withLock { $0.restarts } }

    /// The names of the supervised children, in start order. Any thread.
    public var childNames: [String] { state.withLock { $0.children.map(\.entry.name) } }

    /// Waits until the supervisor has stopped; cancelling the calling task stops it at once
    /// (``StopMode/immediate``). Suspends; blocks no thread.
    /// - Throws: ``ServiceError/Code/restartLimitExceeded`` if it gave up.
    public func run() async throws {
        try await withTaskCancellationHandler {
            try await waitUntilEnded()
        } onCancel: {
            requestStop(.immediate)
        }
    }

    /// Stops the children in reverse start order — gracefully, each draining its mailbox before
    /// the next one stops, or immediately — and waits until they have stopped. A second call
    /// waits for the first; `.immediate` after `.graceful` hurries the graceful stop along.
    /// Suspends; blocks no thread.
    public func stop(_ mode: StopMode = .graceful) async {
        requestStop(mode)
        try? await waitUntilEnded()
    }

    /// The blocking twin of ``stop(_:)``, for synchronous code (a `main.swift`, a plain thread):
    /// blocks the calling thread until the children have stopped. Not from async code (use
    /// `await supervisor.stop()`), nor from a supervised service's thread (it would wait for
    /// itself).
    @available(*, noasync, message: "blocks the calling thread: use 'await supervisor.stop()' in async code")
    public func stop(_ mode: StopMode = .graceful) {
        requestStop(mode)
        ended.wait()
    }

    /// Starts ``stop(_:)`` and returns at once. Any thread.
    public func requestStop(_ mode: StopMode = .graceful) {
        let action = state.withLock { $0.beginStop(mode) }
        switch action {
        case .none:
            break
        case .hurry(let children):
            for child in children.reversed() { child.requestStop(.immediate) }
        case .stop(let processing, let children):
            processing?.cancel()  // ends a backoff wait
            Task { await self.stopChildren(children, mode) ; self.finish(failure: nil) }
        }
    }
}
