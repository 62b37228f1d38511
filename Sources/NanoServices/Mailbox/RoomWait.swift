/// An `async` sender suspended until a full `.block` mailbox may have room, until its call's
/// deadline passes, or until its task is cancelled — whichever comes first.
///
/// The waiting message stays with the sender, not in the mailbox, so a sender that gives up
/// (timeout, cancellation) simply drops it: a call that gave up is never delivered.
///
/// Thread safety: ``wake()`` (mailbox, any thread), ``timeoutExpired()`` (timer thread) and
/// ``cancel()`` (the cancelling thread) race; the first one resumes the suspended task, the
/// others do nothing. Cost: one small allocation and one lock round trip per resumption,
/// only on the full-mailbox slow path.
@usableFromInline
final class RoomWait: TimeoutTarget, @unchecked Sendable {
    /// Why the wait ended.
    @usableFromInline
    enum Outcome: Sendable {
        case mayHaveRoom, timedOut, cancelled
    }

    private struct State {
        var continuation: UnsafeContinuation<Void, Never>?
        var outcome: Outcome?
    }

    // Sound: `state` is only touched under its own lock (`Locked`).
    private let state = Locked(State())

    @usableFromInline init() {}

    /// Why the wait ended; `nil` while it has not.
    @usableFromInline var outcome: Outcome? { state.withLock { $0.outcome } }

    /// Suspends the calling task until the first of `wake`, `timeoutExpired` or `cancel`.
    /// `register` runs once the continuation is stored; it may end the wait itself (by calling
    /// ``end(_:)``), for instance when the send it makes is accepted.
    func suspend(_ register: () -> Void) async {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let alreadyEnded = state.withLock { state -> Bool in
                if state.outcome != nil { return true }
                state.continuation = continuation
                return false
            }
            if alreadyEnded {
                continuation.resume()
                return
            }
            register()
        }
    }

    /// Ends the wait with `outcome` unless it has already ended; resumes the suspended task.
    func end(_ outcome: Outcome) {
        let continuation = state.withLock { state -> UnsafeContinuation<Void, Never>? in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume()
    }

    /// The mailbox may have room (or was closed): look again.
    func wake() { end(.mayHaveRoom) }

    /// The calling task was cancelled.
    func cancel() { end(.cancelled) }

    /// The call's deadline passed (timer thread).
    @usableFromInline func timeoutExpired() { end(.timedOut) }
}
