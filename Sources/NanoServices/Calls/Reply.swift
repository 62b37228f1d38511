import CNanoServicesShims
import Synchronization

/// The one-shot slot a call's answer travels back in. Generated code creates none itself:
/// the runtime allocates one per call and the generated message enum carries it to the
/// service's thread, which fills it with ``_succeed(_:)`` or ``_fail(_:)``.
///
/// The caller either spins and then parks its thread (synchronous call) or suspends its
/// task (asynchronous call). A four-state atomic decides who was first, so the answer is
/// delivered exactly once and never lost:
///
/// | state | meaning |
/// |---|---|
/// | `pending` | no answer yet, no waiter registered |
/// | `ready` | the answer is stored (see Reply+Answer.swift) |
/// | `waiting` | the caller registered `waiter` and sleeps |
/// | `abandoned` | the caller gave up (timeout); the answer will be dropped |
///
/// Thread safety: the answer is written by the service before it publishes `ready` (release)
/// and read by the caller after it observes `ready` (acquire). `waiter` is written by the
/// caller before it publishes `waiting` and read by the service after it observes `waiting`.
/// `@unchecked Sendable` is sound: the answer and `waiter` are handed over by the release/acquire
/// protocol on the state word just described, never touched by two threads at once.
public final class _Reply<Value>: TimeoutTarget, @unchecked Sendable {
    @usableFromInline
    enum Waiter {
        case none
        case thread(UnsafeMutablePointer<UInt32>)
        case task(UnsafeContinuation<Value, any Error>)
    }

    @inlinable static var pending: UInt32 { 0 }
    @inlinable static var ready: UInt32 { 1 }
    @inlinable static var waiting: UInt32 { 2 }
    @inlinable static var abandoned: UInt32 { 3 }
    /// The longest an async caller spins before suspending: 10 µs.
    @inlinable static var asyncSpinLimit: Int64 { 10_000 }

    @usableFromInline let state = Atomic<UInt32>(0)
    // The answer, stored untyped (see Reply+Answer.swift): what it is, and where. Exempt from
    // the runtime's exclusivity checks, like `waiter`: the state word hands them over.
    @exclusivity(unchecked) @usableFromInline var answer = Answer.none
    @exclusivity(unchecked) @usableFromInline var inlineValue: InlineWords = (0, 0, 0)
    @exclusivity(unchecked) @usableFromInline var boxedValue: UnsafeMutableRawPointer? = nil
    @exclusivity(unchecked) @usableFromInline var failure: (any Error)? = nil
    @exclusivity(unchecked) @usableFromInline var waiter: Waiter = .none
    /// The runtime answered for the method (a restart dropped its instance while the `async`
    /// method was suspended); the method's own late answer is dropped. Service thread only.
    @exclusivity(unchecked) @usableFromInline var answeredByRuntime = false

    /// A fresh slot. Generated code creates one per call and passes it with the message.
    @inlinable
    public init() {}

    /// Drops an answer nobody took (a caller that gave up). Runs unspecialized, as every
    /// class's deinit does; it asks the runtime for no generic metadata (see Reply+Answer.swift).
    deinit { discardAnswer() }

    // MARK: Service side (generated code)

    /// Delivers the method's result to the caller. Service thread; never blocks.
    @inlinable
    public func _succeed(_ value: consuming sending Value) {
        complete(.success(consume value))
    }

    /// Delivers an error (the method's own, or a ``ServiceError``) to the caller.
    @inlinable
    public func _fail(_ error: any Error) {
        complete(.failure(error is ServiceFailure ? ServiceFailure.intercept(error) : error))
    }

    @inlinable
    func complete(_ outcome: consuming sending Result<Value, any Error>) {
        if answeredByRuntime { return } // the caller already has `restarted`
        // `consume`: no reference may stay on this thread once the caller can see the value,
        // or the caller's first mutation of a moved buffer would copy it.
        store(consume outcome)
        switch state.exchange(Self.ready, ordering: .acquiringAndReleasing) {
        case Self.waiting:
            switch waiter {
            case .thread(let word):
                ThreadParker.unpark(word)
            case .task(let continuation):
                waiter = .none
                // Sound: the state exchange made this thread the only one touching the answer.
                nonisolated(unsafe) let outcome = takeAnswer()
                continuation.resume(with: outcome)
            case .none:
                preconditionFailure("NanoServices: a caller was waiting without a waiter")
            }
        case Self.abandoned:
            discardAnswer() // the caller timed out; drop the late answer here, on the service thread
        default:
            break
        }
    }

    // MARK: Caller side

    /// Whether the answer is there. Acquire: the answer may be taken after `true`.
    @inlinable @inline(__always)
    var isReady: Bool { state.load(ordering: .acquiring) == Self.ready }

    @inlinable
    func takeResult() throws -> sending Value {
        // Sound: called only after observing `ready` (acquire); the caller alone reads the answer.
        nonisolated(unsafe) let outcome = takeAnswer()
        return try outcome.get()
    }

    /// Blocks the calling thread until the answer arrives: spins up to `spinNanoseconds`,
    /// then parks. With a `limit`, gives up when it runs out and returns `nil`; the late answer
    /// is then dropped by the service.
    ///
    /// An answer that is there at once costs no clock read, with or without a limit: the budget
    /// of the spin, and a ``WaitLimit/after(_:)`` deadline, start at the first spin.
    @inlinable
    func waitBlocking(spinNanoseconds: Int64, limit: WaitLimit = .none) throws -> sending Value? {
        var spinner = SpinWait(budgetNanoseconds: limit.allowsSpinning(spinNanoseconds) ? spinNanoseconds : 0)
        while !isReady && spinner.spin() {}
        if isReady { return try takeResult() }

        let word = ThreadParker.current
        guard registerParkedThread(word) else {
            return try takeResult() // answered meanwhile; nobody will unpark us
        }
        guard let deadline = limit.deadline(waitingSince: spinner.started) else {
            ThreadParker.park(word)
            return try takeResult()
        }
        if ThreadParker.park(word, until: deadline) {
            return try takeResult()
        }
        if state.compareExchange(
            expected: Self.waiting, desired: Self.abandoned, ordering: .acquiringAndReleasing
        ).exchanged {
            return nil
        }
        // The answer won the race and its sender is about to unpark us: take the token.
        ThreadParker.park(word)
        return try takeResult()
    }

    /// Registers the calling thread's parking word as the waiter. Returns `false` if the answer
    /// arrived first (then nobody will unpark the thread: take the result at once).
    @inlinable @inline(__always)
    func registerParkedThread(_ word: UnsafeMutablePointer<UInt32>) -> Bool {
        waiter = .thread(word)
        return state.compareExchange(
            expected: Self.pending, desired: Self.waiting, ordering: .acquiringAndReleasing
        ).exchanged
    }

    /// Suspends the calling task until the answer arrives. Blocks no thread.
    ///
    /// With a `timeoutNanoseconds`, the shared timer thread gives up after that long and the call throws
    /// ``TimedOut``; the late answer is then dropped by the service. Cancelling the calling
    /// task gives up the same way and throws `CancellationError` (the message, already sent,
    /// may still be handled; its answer is dropped).
    @inlinable
    func wait(spinNanoseconds: Int64, timeoutNanoseconds: Int64? = nil) async throws -> sending Value {
        // A short spin first: an answer within a few microseconds is far cheaper to wait for
        // than a suspension plus a resumption through the global executor. Bounded, so the
        // cooperative thread is never held for long.
        var spinner = SpinWait(budgetNanoseconds: min(spinNanoseconds, Self.asyncSpinLimit))
        while !isReady && spinner.spin() {}
        if isReady { return try takeResult() }
        return try await withTaskCancellationHandler {
            try await suspendUntilAnswered(timer: timeoutNanoseconds)
        } onCancel: {
            abandon(throwing: CancellationError())
        }
    }

    @inlinable
    func suspendUntilAnswered(timer timeoutNanoseconds: Int64?) async throws -> sending Value {
        var timer: TimeoutScheduler.Entry? = nil
        defer { if let timer { TimeoutScheduler.shared.cancel(timer) } }
        return try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Value, any Error>) in
            waiter = .task(continuation)
            if !state.compareExchange(
                expected: Self.pending, desired: Self.waiting, ordering: .acquiringAndReleasing
            ).exchanged {
                waiter = .none
                // Sound: the state exchange made this thread the only one touching the answer.
                nonisolated(unsafe) let outcome = takeAnswer()
                continuation.resume(with: outcome)
                return
            }
            if let timeoutNanoseconds {
                timer = TimeoutScheduler.shared.schedule(self, after: timeoutNanoseconds)
            }
            // Cancelled before the handler could see a waiter: give up now.
            if withUnsafeCurrentTask(body: { $0?.isCancelled ?? false }) {
                abandon(throwing: CancellationError())
            }
        }
    }

    /// Gives up waiting (timeout or cancellation) if the answer has not arrived: the suspended
    /// caller is resumed with `error`, and the service will drop the late answer.
    @usableFromInline
    func abandon(throwing error: any Error) {
        guard state.compareExchange(
            expected: Self.waiting, desired: Self.abandoned, ordering: .acquiringAndReleasing
        ).exchanged else { return }
        guard case .task(let continuation) = waiter else { return }
        waiter = .none
        continuation.resume(throwing: error)
    }

    /// The timer thread's deadline passed.
    @usableFromInline
    func timeoutExpired() {
        abandon(throwing: TimedOut())
    }

    /// Thrown by ``wait(spinNanoseconds:timeoutNanoseconds:)`` when its time limit passes.
    @usableFromInline
    struct TimedOut: Error {
        @usableFromInline init() {}
    }
}

/// A reply the runtime may answer in place of the method. Service thread only.
public protocol _RuntimeAnswerable: AnyObject {
    /// Fails the call with `error` now, and drops the method's own answer when it comes.
    func answerForRestart(_ error: ServiceError)
}

extension _Reply: _RuntimeAnswerable {
    public func answerForRestart(_ error: ServiceError) {
        // Only this thread completes a reply, so `ready` here means the method already answered.
        guard !answeredByRuntime, state.load(ordering: .relaxed) != Self.ready else { return }
        complete(.failure(error))
        answeredByRuntime = true
    }
}
