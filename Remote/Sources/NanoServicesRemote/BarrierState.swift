/// How a call's wait for the casts before it ended (see ``CastStream/barrier(timeout:)``).
enum BarrierOutcome: Equatable, Sendable {
    /// The host has handed the casts to the service, or the stream they were written to broke
    /// (they are counted as lost): the call goes on.
    case confirmed
    /// A stream broke before the casts were written: the host cannot be reached, and the
    /// casts stay queued for the next stream.
    case unreachable
    /// The call's time limit ran out first.
    case timedOut
    /// The calling task was cancelled first.
    case cancelled
}

/// Which casts a barrier covers, and who waits for which barrier: pure state, no threads
/// (`Waiter` is what the caller resumes: a continuation in ``CastStream``). Guarded by
/// `CastStream`'s lock.
///
/// A waiter is known by a *ticket* taken before it registers, so that a time limit or a
/// cancellation can withdraw it at any moment — even before it has registered.
struct BarrierState<Waiter>: ~Copyable {
    /// What a caller of ``wait(_:ticket:)`` does next.
    enum WaitAction: Equatable {
        /// Nothing to wait for: every cast sent was confirmed (or the stream has ended).
        case proceed
        /// The waiter joined a barrier already queued that covers every cast sent.
        case joined
        /// Queue a barrier with this id after the casts; the waiter waits for its answer.
        case write(UInt64)
        /// The ticket was withdrawn before the waiter registered (time limit or cancellation).
        case withdrawn
    }

    private(set) var castsSent: UInt64 = 0
    /// The casts sent before the last barrier the host answered (or whose stream broke).
    private var castsCovered: UInt64 = 0
    private var nextBarrier: UInt64 = 1
    private var nextTicket: UInt64 = 1
    /// Tickets taken and neither resumed nor withdrawn.
    private var live: Set<UInt64> = []
    /// The stream's task has ended: no barrier would ever be answered.
    private var isClosed = false
    /// Barriers queued and not answered yet, oldest first: id, casts it covers, waiters.
    private var pending: [(id: UInt64, covers: UInt64, waiters: [(ticket: UInt64, waiter: Waiter)])] = []

    init() {}

    /// One more cast was queued.
    mutating func castSent() { castsSent += 1 }

    /// Whether a call made now would wait for nothing.
    var isConfirmed: Bool { castsSent == castsCovered || isClosed }

    /// A ticket for one wait.
    mutating func ticket() -> UInt64 {
        defer { nextTicket += 1 }
        live.insert(nextTicket)
        return nextTicket
    }

    /// Registers `waiter` unless there is nothing to wait for or its ticket was withdrawn
    /// (then it is not kept).
    mutating func wait(_ waiter: Waiter, ticket: UInt64) -> WaitAction {
        guard live.contains(ticket) else { return .withdrawn }
        if isConfirmed {
            live.remove(ticket)
            return .proceed
        }
        if let last = pending.indices.last, pending[last].covers == castsSent {
            pending[last].waiters.append((ticket, waiter))
            return .joined
        }
        let id = nextBarrier
        nextBarrier += 1
        pending.append((id, castsSent, [(ticket, waiter)]))
        return .write(id)
    }

    /// Withdraws a wait (its time limit ran out, or its task was cancelled): returns the waiter
    /// to resume, or `nil` when it has not registered yet (``wait(_:ticket:)`` then answers
    /// ``WaitAction/withdrawn``) or was already resumed. Its barrier stays queued.
    mutating func withdraw(_ ticket: UInt64) -> Waiter? {
        guard live.remove(ticket) != nil else { return nil }
        for index in pending.indices {
            if let position = pending[index].waiters.firstIndex(where: { $0.ticket == ticket }) {
                return pending[index].waiters.remove(at: position).waiter
            }
        }
        return nil
    }

    /// The host answered barrier `id` (it has handed every cast before it to the service):
    /// returns the waiters to resume.
    mutating func reached(_ id: UInt64) -> [Waiter] {
        var ready: [Waiter] = []
        while let first = pending.first, first.id <= id {
            castsCovered = max(castsCovered, first.covers)
            ready += resumed(first.waiters)
            pending.removeFirst()
        }
        return ready
    }

    /// The stream broke after its writer took the barriers up to `lastTaken` (`nil`: none).
    /// `released`: waiters of barriers written to it, which go on (their casts are counted as
    /// lost). `unreachable`: waiters of barriers still queued behind casts that no stream has
    /// taken yet; those casts stay queued for the next stream, so these waiters cannot go on
    /// as if the host had them (the caller fails with `.network`, as a call does while the
    /// host cannot be reached). Their barriers are answered later to nobody.
    mutating func streamBroke(lastTaken: UInt64?) -> (released: [Waiter], unreachable: [Waiter]) {
        let released = lastTaken.map { reached($0) } ?? []
        defer { pending.removeAll() }
        return (released, resumed(pending.flatMap(\.waiters)))
    }

    /// The stream's task ended (the queue finished): every waiter goes on, and later waits
    /// return ``WaitAction/proceed``.
    mutating func close() -> [Waiter] {
        isClosed = true
        defer { pending.removeAll() }
        return resumed(pending.flatMap(\.waiters))
    }

    /// `waiters`, whose tickets are no longer live.
    private mutating func resumed(_ waiters: [(ticket: UInt64, waiter: Waiter)]) -> [Waiter] {
        for entry in waiters { live.remove(entry.ticket) }
        return waiters.map(\.waiter)
    }
}
