import CNanoServicesShims
import Instrumentation
import Logging
import Synchronization

/// The part of a running service that does not depend on its message type: identity,
/// state, counters, logging and termination. Generated code never sees it: it gets a
/// ``_HandlerContext``. Its one subclass, ``ServiceCore``, adds the mailbox and the loop, and
/// the operations that need them (``RunningService``); nothing here is left for it to
/// override.
///
/// Thread safety: every member may be used from any thread unless it says otherwise.
/// `@unchecked Sendable` is sound: the `let`s are immutable, counters are atomics, `waitEdge`
/// is behind its own lock, and the `var`s are touched only on the service's thread (asserted
/// in debug builds where they change).
@usableFromInline
class _ServiceContext: @unchecked Sendable {
    /// The service's name.
    @usableFromInline let name: String
    /// A number no other service of this process has: what errors and failures are attributed
    /// by (names are not unique).
    let identity: UInt64
    /// The name of the `@NanoService` type.
    @usableFromInline let typeName: String
    /// The service thread's name: the service's name, truncated to 15 bytes (Linux limit), or
    /// the pool's name for a pooled service.
    @usableFromInline final var threadName: String { pool?.name ?? String(name.utf8.prefix(15)) ?? "nano-service" }
    /// The pool whose threads run this service, or `nil` when it has a thread of its own.
    @usableFromInline let pool: ServicePool?
    /// Counters for introspection and the metric objects (Observability/).
    @usableFromInline let statistics: ServiceStatistics
    /// The options most services leave unset — a logger, a handler for casts' errors, a clock
    /// other than `ContinuousClock` — in one box, or `nil` when none is set: 8 bytes per
    /// service instead of 32 (a `Logger` kept inline would cost 64).
    private let rareOptions: RareOptions?
    private var configuredLogger: Logger? { rareOptions?.logger }
    /// ``ServiceOptions/onCastError``.
    var onCastError: (@Sendable (CastError) -> Void)? { rareOptions?.onCastError }

    /// See ``rareOptions``.
    private final class RareOptions: Sendable {
        let logger: Logger?
        let onCastError: (@Sendable (CastError) -> Void)?
        /// `nil` for the default clock's.
        let timerScheduler: TimerScheduler?

        /// `nil` when none is set. (Not a failable initializer: a class's allocates before
        /// its body can decline.)
        static func boxing(_ options: ServiceOptions) -> RareOptions? {
            let scheduler = type(of: options.clock) == ContinuousClock.self ? nil : TimerScheduler.serving(options.clock)
            if options.logger == nil && options.onCastError == nil && scheduler == nil { return nil }
            return RareOptions(options, timerScheduler: scheduler)
        }

        private init(_ options: ServiceOptions, timerScheduler: TimerScheduler?) {
            logger = options.logger
            onCastError = options.onCastError
            self.timerScheduler = timerScheduler
        }
    }

    @usableFromInline let spinNanoseconds: Int64

    // `async` methods (see AsyncMethods.swift). Service thread only.
    /// Their executor and tasks, and a supervisor's link; created when first needed (most
    /// services never run an `async` method and have no supervisor: one pointer costs them 8
    /// bytes where the state costs 40).
    @usableFromInline var occasionalState: OccasionalState?
    /// The supervisor's side of a supervised service (Supervision/), or `nil`. Written once,
    /// before the service's thread starts (or its first pool slice is scheduled), then only
    /// read, on the service's thread. Kept with the `async` methods' state.
    @usableFromInline final var supervision: SupervisionLink? { occasionalState?.supervision }
    /// Set once the service's thread has ended and the instance is released. Lives in the
    /// service's block (see ``ServiceBlock``), which lives as long as the service.
    var termination: OneShotEvent { OneShotEvent(embeddedIn: statistics.block + ServiceBlock.termination) }

    // Timers (Timers/).
    /// Fires this service's timers: shared by every service on the same clock (kept with the
    /// rare options when the clock is not the default `ContinuousClock`).
    var timerScheduler: TimerScheduler { rareOptions?.timerScheduler ?? TimerScheduler.continuous }
    /// Ticks handled, coalesced and skipped.
    let timerCounters = ServiceTimerCounters()
    /// The timers the service started, by key; created on first use. Service thread only.
    var timerTable: ServiceTimerTable?

    /// This service's places in the registry's list and its pool's (see ``ServiceList``):
    /// guarded by the registry's lock and the pool's lock respectively, hence exempt from
    /// the runtime's exclusivity check.
    @exclusivity(unchecked) var registryLinks = ServiceLinks()

    /// Casts never handled; see ``noteDroppedCast(_:reason:)``.
    let droppedCastCount = Atomic<Int>(0)
    /// `async` methods started and not finished, for other threads (``CooperativePoolGuard``):
    /// written by the service thread when a method starts and ends, read by anyone.
    let asyncMethodsRunning = Atomic<Int>(0)
    /// Blocking waits made on this service from inside Swift concurrency tasks (see
    /// ``reportBlockingWaitFromTask(_:blocked:isCast:)``).
    let blockingWaitsFromTasks = Atomic<Int>(0)
    private static let lastIdentity = Atomic<UInt64>(0)

    // The small fields last, packed after the 12-byte edge and the 9-byte optional (Swift lays
    // out a class's fields in declaration order, each at its own alignment): a million pooled
    // services make every padding byte count.
    // Written by the service's own thread (the edge on every call it makes):
    /// The service this service's thread is blocked on in a call, if any (see WaitGraph.swift).
    let waitEdge = WaitEdge()
    /// A non-reentrant `async` method is suspended: new messages must wait.
    /// Read before every message: exempt from the runtime's exclusivity check (service thread
    /// only, never accessed while borrowed).
    @exclusivity(unchecked) @usableFromInline var isHeldByAsyncMethod = false
    /// The instance failed (a supervised `@Cast` method threw, or the service reported a failure)
    /// and must be replaced after the message in hand. Service thread only; read after every
    /// message, so exempt from the exclusivity check like `isHeldByAsyncMethod`.
    @exclusivity(unchecked) @usableFromInline var instanceFailed = false
    /// What a full mailbox does to a sender; fixed at spawn.
    let whenFull: MailboxPolicy.WhenFull
    private let stateValue = Atomic<UInt8>(ServiceState.starting.rawValue)
    // Read by senders and the service's thread; fixed at spawn but `carriesContextFlag`:
    /// The default call timeout in nanoseconds, or `nil` for none.
    @usableFromInline let callTimeoutNanoseconds: Int64?
    /// Whether messages carry the sender's `ServiceContext`: only when an instrument (a tracer)
    /// was bootstrapped before the service started. Reading the task-local context costs about
    /// 10 ns per send, a third of a cast, so a process that traces nothing does not pay it.
    /// Read by senders; kept here, away from the counters the service thread writes. A remote
    /// host turns it on for the services it serves (`_carryCallerContext()`), hence an atomic.
    @usableFromInline let carriesContextFlag: Atomic<Bool>
    @inlinable final var carriesContext: Bool { carriesContextFlag.load(ordering: .relaxed) }
    /// Whether senders stamp messages with the time (queue-wait and call-latency metrics):
    /// only when a metrics backend was bootstrapped before the service started.
    @usableFromInline let recordsTimings: Bool
    /// Whether the service thread counts messages and busy time for snapshots (see
    /// ``ServiceOptions/collectsStatistics``). Service thread reads.
    @usableFromInline let countsMessages: Bool
    /// Whether the service thread looks at each message's method and batch at all: to count
    /// it, or to record metrics. Service thread reads.
    @usableFromInline let observesMessages: Bool

    /// - Parameter block: the service's block (see ``ServiceBlock``): aligned to a cache line,
    ///   its header zeroed but for the termination event, prepared; kept alive as long as this
    ///   object.
    @usableFromInline init(typeName: String, options: ServiceOptions, block: UnsafeMutableRawPointer) {
        let name = options.name ?? typeName
        self.name = name
        self.identity = Self.lastIdentity.add(1, ordering: .relaxed).newValue
        self.typeName = typeName
        self.pool = options.placement.pool
        self.statistics = ServiceStatistics(serviceName: name, hot: CounterLine(in: block + ServiceBlock.counters))
        // Type comparisons, not `is` casts: a dynamic cast per spawn showed in `spawn-1m`.
        self.carriesContextFlag = Atomic(type(of: InstrumentationSystem.instrument) != NoOpInstrument.self)
        self.recordsTimings = statistics.metrics != nil
        self.countsMessages = options.collectsStatistics
        self.observesMessages = countsMessages || recordsTimings
        self.rareOptions = RareOptions.boxing(options)
        self.spinNanoseconds = options.spinBeforeParking.nanosecondsClamped
        self.callTimeoutNanoseconds = options.callTimeout?.nanosecondsClamped
        self.whenFull = options.mailbox.whenFull
    }

    /// The service's logger: ``ServiceOptions/logger`` (or the process's "NanoServices" logger)
    /// with the service's name as `service` metadata. Built on each use, not kept: a logger
    /// with metadata costs about 0.6 KiB and a microsecond per service, and a service logs
    /// rarely (failures; its start and stop at `debug`, see ``logsAt(_:)``). Any thread.
    @usableFromInline final var logger: Logger {
        var logger = configuredLogger ?? Self.defaultLogger
        logger[metadataKey: "service"] = "\(name)"
        return logger
    }

    /// Whether a line at `level` would be logged: lets the lifecycle's `debug` lines skip
    /// building ``logger``. Any thread; no allocation.
    final func logsAt(_ level: Logger.Level) -> Bool {
        // Read in place: `configuredLogger ?? defaultLogger` copied the logger (its handler
        // existential, with a retain and a release) on every spawn and stop.
        if let rareOptions, let configured = rareOptions.logger { return configured.logLevel <= level }
        return Self.defaultLogger.logLevel <= level
    }

    /// The logger of services whose options name none: created once, on first use, from the
    /// `LoggingSystem` bootstrapped by then.
    private static let defaultLogger = Logger(label: "NanoServices")

    // MARK: Generated code

    /// Reports an error thrown by a `@Cast` method. Service thread.
    final func reportCastError(_ error: any Error, method: StaticString) {
        assertOnServiceThread("reporting a cast's error")
        if let supervision {
            supervision.noteFailure(error, method: "\(method)", of: self)
            return
        }
        let failure = CastError(serviceName: name, method: "\(method)", underlying: error)
        if let onCastError {
            onCastError(failure)
        } else {
            logger.error("cast threw an error", metadata: ["method": "\(method)", "error": "\(error)"])
        }
    }

    // MARK: State

    var state: ServiceState { ServiceState(rawValue: stateValue.load(ordering: .acquiring))! }

    /// Moves `starting → running`; leaves `stopping`/`stopped` alone. Logs at debug level.
    @usableFromInline
    final func markRunning() {
        _ = stateValue.compareExchange(
            expected: ServiceState.starting.rawValue, desired: ServiceState.running.rawValue, ordering: .acquiringAndReleasing)
        if logsAt(.debug) { logger.debug("service started", metadata: ["type": "\(typeName)", "thread": "\(statistics.threadID)"]) }
    }

    /// Moves to `stopping` unless already `stopped`.
    final func markStopping() {
        var current = stateValue.load(ordering: .acquiring)
        while current != ServiceState.stopped.rawValue && current != ServiceState.stopping.rawValue {
            let (exchanged, original) = stateValue.compareExchange(
                expected: current, desired: ServiceState.stopping.rawValue, ordering: .acquiringAndReleasing)
            if exchanged { return }
            current = original
        }
    }

    /// The thread has ended: leave the registry, publish `stopped` and release every `join`er.
    @usableFromInline
    final func markStopped() {
        cancelAllTimers()
        supervision?.serviceEnded()
        ServiceRegistry.unregister(self)
        if logsAt(.debug) { logger.debug("service stopped", metadata: ["handled": "\(statistics.handledByMethod.values.reduce(0, +))"]) }
        stateValue.store(ServiceState.stopped.rawValue, ordering: .releasing)
        termination.set()
    }

    /// Logs an initializer error nobody waits for. Service thread.
    @usableFromInline
    final func logInitializerFailure(_ error: any Error) {
        logger.error("service initializer failed", metadata: ["error": "\(error)"])
    }

    var droppedCasts: Int { droppedCastCount.load(ordering: .relaxed) }

    // MARK: Threads

    /// Whether the calling thread is this service's own thread. One thread-local read.
    @inlinable
    final var isCurrentThread: Bool {
        nano_current_service() == Unmanaged.passUnretained(self).toOpaque()
    }

    /// Debug builds: stops the process if the calling thread is not running this service
    /// (its own thread, a pool thread running its slice, or a caller running it inline).
    /// For code documented "service thread only". Release builds: nothing.
    @inlinable
    final func assertOnServiceThread(_ what: StaticString) {
        assert(isCurrentThread, "NanoServices: \(what) must run on the service's thread")
    }

    /// Throws `deadlock` if called on the service's own thread, where waiting for the service
    /// could never end.
    @inlinable
    final func checkNotOwnThread(operation: StaticString) throws(ServiceError) {
        if isCurrentThread { throw selfWaitError(operation) }
    }

    @usableFromInline
    final func selfWaitError(_ operation: StaticString) -> ServiceError {
        ServiceError(
            .deadlock, service: self,
            message: "'\(operation)' on service '\(name)' from its own thread would wait forever",
            cycle: [name, name])
    }

    @usableFromInline
    final func stoppedError() -> ServiceError {
        ServiceError(.stopped, service: self, message: "the service has stopped and will not handle the message")
    }

    @usableFromInline
    final func mailboxFullError(_ method: StaticString) -> ServiceError {
        ServiceError(.mailboxFull, service: self, message: "the mailbox is full; '\(method)' was not accepted")
    }

    @usableFromInline
    final func evictedError(_ method: StaticString) -> ServiceError {
        ServiceError(.mailboxFull, service: self, message: "the mailbox is full; '\(method)' was evicted to make room for a newer message")
    }

    @usableFromInline
    final func timeoutError(_ method: StaticString, after nanoseconds: Int64) -> ServiceError {
        ServiceError(.timeout, service: self, message: "call '\(method)' got no answer within \(Duration.nanoseconds(nanoseconds))")
    }
}
