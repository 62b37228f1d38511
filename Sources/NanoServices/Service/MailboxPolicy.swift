/// How many messages a service's mailbox may hold, and what happens to a sender when it is full.
///
/// ```swift
/// let sink = try Sink.Service(options: .init(mailbox: .bounded(capacity: 1_000, whenFull: .block)))
/// ```
///
/// A bounded mailbox counts every message accepted and not yet handled: the ones waiting in the
/// queue and the batch the service's thread has taken and is working through. That count never
/// exceeds `capacity`. Stopping is not a message: a stop is never refused and never waits for
/// room, and it wakes every sender waiting for room (they then fail with `stopped`).
public enum MailboxPolicy: Sendable, Equatable {
    /// What a sender meets when a bounded mailbox is full.
    public enum WhenFull: Sendable, Equatable {
        /// The sender waits for room: a thread blocks (bounded by the call's timeout, if any);
        /// an `async` call suspends. Casts made from inside a Swift concurrency task block their
        /// thread too (and are reported once per call site, like blocking calls from tasks); to
        /// apply backpressure to async code without blocking, make the method a call (`@Call`)
        /// and `await` it.
        case block
        /// The new message is refused: a call throws ``ServiceError/Code/mailboxFull``; a cast is
        /// dropped, counted in `control.droppedCasts` and logged at `warning` level.
        case fail
        /// Load shedding: like ``fail`` (a call still throws `mailboxFull`, since its caller is
        /// waiting), but a dropped cast is only logged at `debug` level.
        case dropNewest
        /// The oldest message still in the queue is evicted to make room (an evicted call throws
        /// `mailboxFull` to its caller; an evicted cast is counted in `control.droppedCasts`), and the new
        /// message is accepted. If every counted message has already been taken by the service's
        /// thread, nothing can be evicted and the new message is refused as with ``dropNewest``.
        case dropOldest
    }

    /// No limit (the default): a send never waits and never fails for lack of room.
    case unbounded
    /// At most `capacity` messages accepted and not yet handled.
    case bounded(capacity: Int, whenFull: WhenFull)

    @usableFromInline
    var capacity: Int {
        switch self {
        case .unbounded: Int.max
        case .bounded(let capacity, _): capacity
        }
    }

    @usableFromInline
    var whenFull: WhenFull {
        switch self {
        case .unbounded: .block
        case .bounded(_, let whenFull): whenFull
        }
    }
}
