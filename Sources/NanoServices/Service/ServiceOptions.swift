import Logging

/// How a service is spawned: its name, its thread's stack size, its logger and its
/// handler for errors thrown by casts. Every field has a sensible default, so the
/// common case needs none: `try Counter.Service(start: 0)`.
///
/// ```swift
/// let counter = try Counter.Service(start: 0, options: .init(name: "hits"))
/// ```
public struct ServiceOptions: Sendable {
    /// The service's name, used for its thread (truncated to 15 bytes on Linux, as the
    /// kernel allows), in logs and in errors. Defaults to the type's name.
    public var name: String?

    /// The stack size of the service's thread in bytes. The default, 512 KiB, is enough for
    /// ordinary server code; pages are only committed when touched, so a larger value costs
    /// address space, not memory. Raise it for deeply recursive service methods. Not used by
    /// pooled services (see ``ServicePool/stackSize``).
    public var stackSize: Int

    /// Where the service's methods run: ``ServicePlacement/ownThread`` (the default), or a
    /// ``ServicePool`` shared with other services — for more services than threads.
    public var placement: ServicePlacement

    /// The logger for lifecycle events (`debug`), dropped casts, cast errors and calls that
    /// time out or would deadlock (`warning`, logged on the caller's thread). Defaults to a
    /// logger labelled `NanoServices`; either way the service's name is in its `service` metadata.
    public var logger: Logger?

    /// Called on the service's thread when a `@Cast` method throws. Defaults to logging
    /// the error at `error` level.
    public var onCastError: (@Sendable (CastError) -> Void)?

    /// How long a caller spins, re-checking for its answer, before it parks its thread.
    /// Spinning turns a round trip of tens of microseconds (waking a parked thread on
    /// another core) into about one microsecond, at the cost of burning the caller's core
    /// for at most this long. The service's own thread uses the same budget before it parks
    /// when its mailbox is empty. `.zero` parks at once.
    public var spinBeforeParking: Duration

    /// The longest a call waits for its answer, unless the call site sets its own with
    /// ``ServiceHandle/timingOut(after:)``. `nil` (the default) waits as long as it takes: a slow but
    /// correct answer is not an error, and the waits that would never end — a service calling
    /// itself, or a cycle of services calling each other — are detected and fail at once with
    /// ``ServiceError/Code/deadlock`` instead. A timed-out call throws
    /// ``ServiceError/Code/timeout``; its late answer is dropped on the service's thread.
    public var callTimeout: Duration?

    /// How many messages the mailbox holds and what a sender meets when it is full.
    /// Defaults to ``MailboxPolicy/unbounded``.
    public var mailbox: MailboxPolicy

    /// Whether the service thread keeps the counters behind ``ServiceSnapshot``: messages
    /// handled (in all and per method), busy time, and the messages it has taken but not yet
    /// handled. On by default; they cost about a nanosecond per message and two clock reads per
    /// batch (`nano-bench cast` shows the difference side by side). With `false`, a snapshot
    /// reports those counters as 0 and the mailbox depth without the batch in hand; state,
    /// dropped casts and failed calls are still counted, and so are metrics when a metrics
    /// backend is bootstrapped (they are separate from these counters).
    public var collectsStatistics: Bool

    /// The clock of the service's timers (see ``ServiceTimers``). `ContinuousClock` (the
    /// default) and `SuspendingClock` are served by one shared timer thread each; a
    /// ``ManualClock`` fires when a test advances it; any other clock by a task per service that
    /// sleeps on it (which needs Swift's cooperative pool to be free to run it).
    public var clock: any Clock<Duration>

    public static let defaultStackSize = 512 * 1024

    public init(
        name: String? = nil,
        stackSize: Int = ServiceOptions.defaultStackSize,
        placement: ServicePlacement = .ownThread,
        logger: Logger? = nil,
        spinBeforeParking: Duration = .microseconds(50),
        callTimeout: Duration? = nil,
        mailbox: MailboxPolicy = .unbounded,
        collectsStatistics: Bool = true,
        clock: any Clock<Duration> = ContinuousClock(),
        onCastError: (@Sendable (CastError) -> Void)? = nil
    ) {
        precondition(stackSize >= 0, "ServiceOptions.stackSize must not be negative")
        if case .bounded(let capacity, _) = mailbox {
            precondition(capacity > 0, "MailboxPolicy.bounded needs a capacity of at least 1, got \(capacity)")
        }
        self.callTimeout = callTimeout
        self.mailbox = mailbox
        self.name = name
        self.stackSize = stackSize
        self.placement = placement
        self.logger = logger
        self.spinBeforeParking = spinBeforeParking
        self.onCastError = onCastError
        self.collectsStatistics = collectsStatistics
        self.clock = clock
    }

    /// Options with only a name set.
    public static func named(_ name: String) -> ServiceOptions { ServiceOptions(name: name) }
}

extension ServiceOptions {
    /// Checks the fields `init` checks, again: they are `var`s and may have changed since.
    /// Called when a service is spawned.
    ///
    /// - Throws: ``ServiceError/Code/invalidOptions`` naming the field.
    @usableFromInline
    func validate(typeName: String) throws(ServiceError) {
        let service = name ?? typeName
        if stackSize < 0 {
            throw ServiceError(.invalidOptions, service: service, message: "ServiceOptions.stackSize must not be negative, got \(stackSize)")
        }
        if case .bounded(let capacity, _) = mailbox, capacity < 1 {
            throw ServiceError(
                .invalidOptions, service: service,
                message: "ServiceOptions.mailbox: a bounded mailbox needs a capacity of at least 1, got \(capacity) (a mailbox that is always full would make every sender wait forever)")
        }
    }
}

extension Duration {
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        if seconds >= Int64.max / 1_000_000_000 { return .max }
        if seconds < 0 { return 0 }
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
