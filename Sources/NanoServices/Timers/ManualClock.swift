import Synchronization

/// A clock that moves only when told to: for tests of timers, timeouts and backoff that never
/// sleep and never depend on the machine's speed.
///
/// ```swift
/// let clock = ManualClock()
/// let heart = try Heart.Service(options: .init(clock: clock))  // starts a 1 s timer in init
/// clock.advance(by: .seconds(1))       // the tick is in Heart's mailbox when this returns
/// #expect(try heart.beats() == 1)      // a call after it sees the tick handled
/// ```
///
/// Give it to services with ``ServiceOptions/clock``: their timers fire when the clock is
/// advanced past their deadlines. ``advance(by:)`` and ``advance(to:)`` move the time at once
/// and, before they return, put a tick of every timer that became due into its service's
/// mailbox (and resume the tasks sleeping on the clock whose deadline has passed). A jump over
/// several periods of a fixed-rate timer delivers one tick and counts the others as coalesced,
/// as for a service too slow to keep up; advance period by period to see every tick.
/// A timer armed at a deadline that is already due fires at the next advance
/// (`advance(by: .zero)` fires it).
///
/// Thread safety: every member may be used from any thread and any task.
/// Cost: `advance` is O(due timers × log armed timers) plus one mailbox send per tick.
public final class ManualClock: Clock, Sendable {
    /// A moment of a ``ManualClock``: the time since the clock's start.
    public struct Instant: InstantProtocol, Hashable, Sendable, CustomStringConvertible {
        /// Time since the clock's start.
        public var offset: Duration

        public init(offset: Duration) { self.offset = offset }

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (left: Instant, right: Instant) -> Bool { left.offset < right.offset }
        public var description: String { "ManualClock.Instant(\(offset))" }
    }

    private struct Sleeper {
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Instant
        var sleepers: [UInt64: Sleeper] = [:]
        var nextSleeperID: UInt64 = 0
        /// Sleeps begun and not yet reported by `nextSleep()`: how long each asked for.
        var unreportedSleeps: [Duration] = []
        /// Tasks waiting in `nextSleep()`, in arrival order.
        var sleepWatchers: [UInt64: CheckedContinuation<Duration, any Error>] = [:]
    }

    private let state: Locked<State>
    /// The scheduler of the timers of the services that use this clock.
    let timerScheduler: ManualTimerScheduler

    /// A clock whose time starts at `now` (zero by default) and moves only with `advance`.
    public init(now: Instant = Instant(offset: .zero)) {
        state = Locked(State(now: now))
        timerScheduler = ManualTimerScheduler(now: now.offset.nanosecondsClamped)
    }

    /// The current time. Any thread.
    public var now: Instant { state.withLock { $0.now } }

    /// One nanosecond.
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// Suspends the calling task until the clock is advanced to `deadline` or past it; returns
    /// at once if it already has been. Throws `CancellationError` if the task is cancelled first.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = state.withLock { state in
            state.nextSleeperID += 1
            return state.nextSleeperID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                typealias Watcher = CheckedContinuation<Duration, any Error>
                let (resumeNow, report): (Result<Void, any Error>?, (Watcher, Duration)?) = state.withLock { state in
                    if Task.isCancelled { return (.failure(CancellationError()), nil) }
                    if deadline <= state.now { return (.success(()), nil) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    let asked = state.now.duration(to: deadline)
                    guard let first = state.sleepWatchers.keys.min() else {
                        state.unreportedSleeps.append(asked)
                        return (nil, nil)
                    }
                    return (nil, (state.sleepWatchers.removeValue(forKey: first)!, asked))
                }
                if let resumeNow { continuation.resume(with: resumeNow) }
                if let (watcher, asked) = report { watcher.resume(returning: asked) }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Waits until a task sleeps on this clock (``sleep(until:tolerance:)`` with a deadline not
    /// yet reached) and returns how long it asked to sleep, from the clock's time then. Each
    /// sleep is reported once, in the order they began; a sleep that began before this call and
    /// was not yet reported returns at once. For tests that check a backoff exactly, without
    /// depending on speed:
    ///
    /// ```swift
    /// #expect(try await clock.nextSleep() == .milliseconds(100))  // the first backoff
    /// clock.advance(by: .milliseconds(100))
    /// ```
    ///
    /// Timers of services do not sleep (the clock fires them on ``advance(by:)``), so they are
    /// not reported. Throws `CancellationError` if the calling task is cancelled first. Any task.
    public func nextSleep() async throws -> Duration {
        let id = state.withLock { state in
            state.nextSleeperID += 1
            return state.nextSleeperID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (watcher: CheckedContinuation<Duration, any Error>) in
                let ready: Result<Duration, any Error>? = state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if !state.unreportedSleeps.isEmpty { return .success(state.unreportedSleeps.removeFirst()) }
                    state.sleepWatchers[id] = watcher
                    return nil
                }
                if let ready { watcher.resume(with: ready) }
            }
        } onCancel: {
            let watcher = state.withLock { $0.sleepWatchers.removeValue(forKey: id) }
            watcher?.resume(throwing: CancellationError())
        }
    }

    /// Moves the time forward by `duration` (not negative), firing what became due before
    /// returning: see the type's documentation. Any thread; never blocks on a service.
    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "ManualClock.advance(by:) needs a duration that is not negative, got \(duration); a clock does not go back")
        let target = state.withLock { $0.now.advanced(by: duration) }
        advance(to: target)
    }

    /// Moves the time forward to `instant`, firing what became due before returning: see the
    /// type's documentation. An instant before `now` leaves the time as it is (a clock does not
    /// go back) but still fires what is due. Any thread; never blocks on a service.
    public func advance(to instant: Instant) {
        let (now, due) = state.withLock { state -> (Instant, [Sleeper]) in
            if instant > state.now { state.now = instant }
            let due = state.sleepers.filter { $0.value.deadline <= state.now }
            for id in due.keys { state.sleepers[id] = nil }
            return (state.now, due.values.sorted { $0.deadline < $1.deadline })
        }
        timerScheduler.advance(to: now.offset.nanosecondsClamped)
        for sleeper in due { sleeper.continuation.resume() }
    }
}

/// The timer scheduler of a ``ManualClock``: fires when the clock is advanced, on the
/// advancing thread. Thread safety: any thread.
final class ManualTimerScheduler: TimerScheduler, @unchecked Sendable {
    // `@unchecked Sendable` is sound: `current` is an atomic.
    private let current: Atomic<Int64>

    init(now: Int64) {
        current = Atomic(now)
    }

    override func now() -> Int64 { current.load(ordering: .acquiring) }

    /// Nothing to wake: deadlines are looked at when the clock is advanced.
    override func earliestDeadlineChanged() {}

    func advance(to now: Int64) {
        current.max(now, ordering: .acquiringAndReleasing)  // concurrent advances: never back
        var due: [(entry: TimerEntry, count: Int)] = []
        fireDue(now: now, into: &due)
    }
}
