import CNanoServicesShims

/// How long a blocking caller may wait for its answer (see ``_Reply/waitBlocking(spinNanoseconds:limit:)``).
///
/// A call's time limit counts from when its caller starts waiting, which is right after the
/// message was sent: reading the clock when the call starts cost every call with a limit one
/// clock read (≈33 ns here) even when its answer was already there, and checking the deadline
/// on every spin round cost one more per round. Now the deadline is computed only once the
/// caller has to wait — from the clock read that starts its spin, or one read before parking.
@usableFromInline
enum WaitLimit {
    /// No limit.
    case none
    /// This many nanoseconds from the moment the caller starts waiting.
    case after(Int64)
    /// An instant already fixed (monotonic ns), e.g. by a wait for room in a full mailbox that
    /// used part of the limit.
    case at(UInt64)

    /// The limit of a call: `timeout` nanoseconds from when its caller waits, unless an
    /// earlier step of the call already fixed the `deadline`.
    @inlinable
    init(timeout: Int64?, deadline: UInt64?) {
        if let deadline { self = .at(deadline) } else if let timeout { self = .after(timeout) } else { self = .none }
    }

    /// Whether the caller may spin for `budget` ns first. A limit shorter than four spin
    /// budgets parks at once: the spin's first rounds do not read the clock (see ``SpinWait``),
    /// so a short limit could overrun by them. A fixed deadline means the caller already waited
    /// (for room): the service is busy, and spinning would not pay.
    @inlinable
    func allowsSpinning(_ budget: Int64) -> Bool {
        switch self {
        case .none: true
        case .after(let nanoseconds): nanoseconds / 4 >= budget
        case .at: false
        }
    }

    /// The instant to give up at (monotonic ns), given when the caller started to spin
    /// (`nil`: it did not spin, the clock is read now); `nil` without a limit.
    @inlinable
    func deadline(waitingSince start: UInt64?) -> UInt64? {
        switch self {
        case .none: nil
        case .after(let nanoseconds): (start ?? nano_monotonic_ns()) &+ UInt64(max(nanoseconds, 0))
        case .at(let instant): instant
        }
    }

    /// The instant to give up at, reading the clock now for a relative limit; for waits that
    /// do not spin (a watched wait). `nil` without a limit.
    @inlinable
    var deadlineFromNow: UInt64? { deadline(waitingSince: nil) }
}
