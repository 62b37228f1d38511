/// The timers of a service, used by the service itself: schedule one of its own methods after
/// a delay, at a fixed rate, or with a fixed delay between runs. Get it with ``NanoService/timers``
/// inside the service's initializer or methods.
///
/// ```swift
/// @NanoService
/// final class Heart {
///     private var beats = 0
///     init() { timers.start("beat", every: .seconds(1)) { $0.beat() } }
///     func beat() { beats += 1 }
///     public func count() -> Int { beats }
///     public func rest() { timers.cancel("beat") }
/// }
/// ```
///
/// * **Through the mailbox**: a tick is a message. The action runs on the service's thread,
///   between two messages, never during one (no reentrancy), with the instance as `$0`.
/// * **Keys**: starting a timer under a key that is running replaces it; no tick of the
///   replaced timer is handled afterwards, even one already queued. `cancel(_:)` ends one.
/// * **Coalescing**: at most one tick per timer waits in the mailbox; deadlines that pass
///   meanwhile are coalesced and counted (``ServiceSnapshot/timerTicksCoalesced``).
/// * **Lifetime**: timers end when the service stops (a tick taken once it is stopping is
///   skipped), and do not keep it running: the timer holds the service as an unowned handle does.
/// * **Clock**: ``ServiceOptions/clock`` (`ContinuousClock` by default; ``ManualClock`` in tests).
///
/// Thread safety: the service's thread only — its initializer, methods, ticks and tasks on
/// `CurrentService.taskExecutor`; anywhere else every member stops the program with a message
/// saying so (a precondition, as for any misuse that cannot be recovered from).
/// Cost: starting or cancelling is a dictionary lookup and O(log n) on the shared timer heap;
/// each active timer costs about 260 bytes (100,000 timers: about 26 MiB); a tick costs a mailbox send, no allocation.
public struct ServiceTimers<Instance: NanoService> where Instance.Service._Message.Instance == Instance {
    typealias Message = Instance.Service._Message
    let core: ServiceCore<Message>

    init(core: ServiceCore<Message>) { self.core = core }

    /// Runs `action` once, `delay` from now (`.zero`: as soon as the timer thread gets to it).
    ///
    /// - Precondition: `delay` is not negative; called on the service's thread.
    public func start(
        _ key: some Hashable & Sendable, after delay: Duration, _ action: @escaping (inout Instance) throws -> Void
    ) {
        precondition(delay >= .zero, "NanoServices: timers.start(_:after:) needs a delay that is not negative, got \(delay)")
        start(key, .once, interval: .zero, firstAfter: delay, action)
    }

    /// Runs `action` every `interval`, first `interval` from now (or `firstAfter`). Fixed rate:
    /// the deadlines keep their phase whatever the service does; a deadline that passes while
    /// a tick is still pending is coalesced.
    ///
    /// - Precondition: `interval` is positive, `firstAfter` not negative; called on the
    ///   service's thread.
    public func start(
        _ key: some Hashable & Sendable, every interval: Duration, firstAfter: Duration? = nil,
        _ action: @escaping (inout Instance) throws -> Void
    ) {
        precondition(interval > .zero, "NanoServices: timers.start(_:every:) needs a positive interval, got \(interval)")
        start(key, .fixedRate, interval: interval, firstAfter: firstAfter ?? interval, action)
    }

    /// Runs `action` first `delay` from now (or `firstAfter`), then `delay` after each run has
    /// finished: a slow action delays the next run instead of piling up ticks.
    ///
    /// - Precondition: `delay` is positive, `firstAfter` not negative; called on the service's
    ///   thread.
    public func start(
        _ key: some Hashable & Sendable, fixedDelay delay: Duration, firstAfter: Duration? = nil,
        _ action: @escaping (inout Instance) throws -> Void
    ) {
        precondition(delay > .zero, "NanoServices: timers.start(_:fixedDelay:) needs a positive delay, got \(delay)")
        start(key, .fixedDelay, interval: delay, firstAfter: firstAfter ?? delay, action)
    }

    /// Ends the timer under `key`: no tick of it is handled afterwards, even one already
    /// queued. Returns `false` if no timer had the key (never started, already cancelled, or a
    /// one-shot timer whose tick was handled). Service thread.
    @discardableResult
    public func cancel(_ key: some Hashable & Sendable) -> Bool {
        checkThread("cancel")
        return core.timerTable?.cancel(AnyHashable(key)) ?? false
    }

    /// Ends every timer of the service. Service thread.
    public func cancelAll() {
        checkThread("cancelAll")
        core.cancelAllTimers()
    }

    /// Whether a timer runs under `key`. Service thread.
    public func isActive(_ key: some Hashable & Sendable) -> Bool {
        checkThread("isActive")
        return core.timerTable?.contains(AnyHashable(key)) ?? false
    }

    /// How many timers run. Service thread.
    public var count: Int {
        checkThread("count")
        return core.timerTable?.count ?? 0
    }

    private func start(
        _ key: some Hashable & Sendable, _ repetition: ServiceTimer<Message>.Repetition, interval: Duration,
        firstAfter: Duration, _ action: @escaping (inout Instance) throws -> Void
    ) {
        checkThread("start")
        precondition(firstAfter >= .zero, "NanoServices: timers.start needs a 'firstAfter' that is not negative, got \(firstAfter)")
        let table = core.timerTableCreatingIfNeeded()
        let timer = ServiceTimer(
            key: AnyHashable(key), repetition: repetition, interval: interval.nanosecondsClamped, core: core,
            metrics: table.metrics, action: action)
        table.start(timer, firstDeadline: table.scheduler.now() &+ firstAfter.nanosecondsClamped)
    }

    private func checkThread(_ operation: StaticString) {
        precondition(
            core.isCurrentThread,
            "NanoServices: timers.\(operation) of service '\(core.name)' called off the service's thread; a service's timers are started and cancelled by the service itself, in its initializer or methods")
    }
}

extension NanoService where Service._Message.Instance == Self {
    /// The timers of this service, for use in its initializer and methods (see
    /// ``ServiceTimers``): `timers.start("beat", every: .seconds(1)) { $0.beat() }`.
    ///
    /// - Precondition: read on the service's own thread (its initializer, methods, ticks);
    ///   anywhere else — another thread, a plain `Task`, an instance that is not running as a
    ///   service — it stops the program with a message saying so.
    ///
    /// Cost: one thread-local read and a type check.
    public var timers: ServiceTimers<Self> {
        guard let core = _ServiceContext.current as? ServiceCore<Service._Message> else {
            preconditionFailure(
                "NanoServices: 'timers' of '\(Self.self)' read off its service's thread (\(CurrentService.name.map { "on service '\($0)'" } ?? "not on a service thread")); a service's timers are used by the service itself, in its initializer or methods")
        }
        return ServiceTimers(core: core)
    }
}
