import CNanoServicesShims
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a blocking wait (a blocking call, a wait for room, a `join`) holds up, seen from the
/// thread that is about to block.
@usableFromInline
enum BlockedThread: Sendable {
    /// Not inside a Swift concurrency task: a plain thread (or a service thread), which is
    /// allowed to block.
    case plainThread
    /// One of the threads of Swift's cooperative pool (the global concurrent executor), which
    /// has only as many threads as cores.
    case cooperativeThread
    /// Code isolated to the main actor (top-level code or `@MainActor` code), on the process's
    /// main thread or, on Linux after a suspension, on the worker thread draining the main
    /// queue.
    case mainThread
    /// The thread of the task executor the calling task prefers.
    case taskExecutorThread

    /// Classifies the calling thread. Any thread; a thread-local read, plus a task-local read
    /// and a system call only inside a task. Slow paths only (it is not on a call's fast path
    /// for service threads and plain threads beyond the first check).
    @usableFromInline
    static var current: BlockedThread {
        let (inTask, hasTaskExecutor) = withUnsafeCurrentTask { task -> (Bool, Bool) in
            guard let task else { return (false, false) }
            return (true, task.unownedTaskExecutor != nil)
        }
        guard inTask else { return .plainThread }
        if nano_thread_id() == Int64(getpid()) || nano_on_main_actor() { return .mainThread }
        if hasTaskExecutor { return .taskExecutorThread }
        return .cooperativeThread
    }

    /// What the warning says is held up.
    var blockedDescription: String {
        switch self {
        case .plainThread: "the calling thread"
        case .cooperativeThread: "one of the \(CooperativePoolGuard.width) threads of Swift's cooperative pool (the global concurrent executor), which every task without an executor of its own needs"
        case .mainThread: "the main actor's thread (top-level code or @MainActor code), on which nothing else isolated to the main actor can run meanwhile"
        case .taskExecutorThread: "the thread of the task executor its task prefers"
        }
    }
}

/// Keeps blocking waits made on cooperative-pool threads from hanging the process.
///
/// Swift's cooperative pool has as many threads as cores. If every one of them blocks in a
/// blocking call to a service whose answer needs the pool (an `async` method awaiting a
/// detached task, say), nothing can ever run again. The runtime counts the cooperative
/// threads blocked in its own waits; the wait that takes the *last* one is watched: if,
/// ``gracePeriodNanoseconds`` after it began, every cooperative thread is still blocked in
/// such a wait, none of them has ended meanwhile, and the service it waits on (or one that
/// service waits on) is running an `async` method, it gives up with
/// ``ServiceError/Code/cooperativePoolExhausted`` (a call, not delivered if it was still waiting for
/// room) or, for a cast waiting for room, the cast is accepted over capacity. That frees one
/// cooperative thread, and the others can then be answered.
///
/// Waits that do not take the last cooperative thread are never affected, so a blocking call
/// from a task keeps working as before whenever the pool can still make progress.
///
/// Thread safety: any thread. Cost: one lock round trip on entering and on leaving a blocking
/// wait made from a cooperative thread; nothing for other threads.
@usableFromInline
enum CooperativePoolGuard {
    /// The width of Swift's cooperative pool: one thread per available core.
    static let width = max(Int(nano_available_cpus()), 1)
    /// How long the wait that took the last cooperative thread waits, in that state, before it
    /// gives up: long enough for any answer that does not need the pool.
    static let gracePeriodNanoseconds: UInt64 = 2_000_000_000
    /// How often a watched wait looks whether to give up.
    @usableFromInline static var lookIntervalNanoseconds: UInt64 { 100_000_000 }

    private struct State {
        var blocked = 0
        /// Waits that ended so far: progress, which resets the watch.
        var ended: UInt64 = 0
    }

    // Sound: `Locked` guards its value.
    private static let state = Locked(State())

    /// What a watched wait remembers between looks: since when the pool has been blocked
    /// without progress.
    @usableFromInline
    struct Watch {
        var since: UInt64
        var endedBefore: UInt64
    }

    /// Counts a blocking wait beginning on a cooperative thread. Returns a watch when this wait
    /// takes the last free cooperative thread, `nil` otherwise.
    static func enter() -> Watch? {
        state.withLock { state in
            state.blocked += 1
            return state.blocked >= width ? Watch(since: nano_monotonic_ns(), endedBefore: state.ended) : nil
        }
    }

    /// Counts a blocking wait on a cooperative thread ending.
    @usableFromInline
    static func exit() {
        state.withLock { state in
            state.blocked -= 1
            state.ended &+= 1
        }
    }

    /// Whether the watched wait should give up now: the whole pool is still blocked in waits,
    /// none ended since the watch began, and `target` (or a service it waits on) runs an
    /// `async` method that may need the pool to finish.
    /// Progress (a wait ended, or the pool is no longer all blocked) starts the grace period
    /// again.
    static func shouldGiveUp(_ watch: inout Watch, target: _ServiceContext) -> Bool {
        let now = nano_monotonic_ns()
        let (stuck, ended) = state.withLock { ($0.blocked >= width && $0.ended == watch.endedBefore, $0.ended) }
        guard stuck else {
            watch = Watch(since: now, endedBefore: ended)
            return false
        }
        return now &- watch.since >= gracePeriodNanoseconds && target.dependsOnAsyncMethod
    }

    static func exhaustedError(_ target: _ServiceContext, operation: String) -> ServiceError {
        ServiceError(
            .cooperativePoolExhausted, service: target,
            message: "\(operation) to service '\(target.name)' gave up: every thread of Swift's cooperative pool (\(width)) is blocked in a blocking call to a service that is running an 'async' method, which may need the pool to finish; call with 'try await' from async code")
    }
}

extension _ServiceContext {
    /// A blocking wait on this service begins inside a Swift concurrency task: reports it
    /// (see ``reportBlockingWaitFromTask(_:blocked:isCast:)``) and, on a cooperative thread,
    /// counts it with the ``CooperativePoolGuard``. Returns `true` when counted: the caller
    /// must call ``CooperativePoolGuard/exit()`` when the wait ends. `watch` is set when this
    /// wait took the last free cooperative thread. Calling thread; slow path.
    @usableFromInline
    final func blockingWaitFromTaskBegins(
        _ method: StaticString, isCast: Bool, watch: inout CooperativePoolGuard.Watch?
    ) -> Bool {
        let blocked = BlockedThread.current
        reportBlockingWaitFromTask(method, blocked: blocked, isCast: isCast)
        guard blocked == .cooperativeThread else { return false }
        watch = CooperativePoolGuard.enter()
        return true
    }
}
