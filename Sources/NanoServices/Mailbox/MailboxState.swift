/// Someone waiting for room in a full `.block` mailbox: a parked thread (its parking word) or
/// a suspended task. Woken once, when a batch is acknowledged or the mailbox closes.
@usableFromInline
enum RoomWaiter {
    case thread(UnsafeMutablePointer<UInt32>)
    case task(RoomWait)

    /// Wakes the waiter. Any thread; call without the mailbox lock.
    func wake() {
        switch self {
        case .thread(let word): ThreadParker.unpark(word)
        case .task(let wait): wait.wake()
        }
    }
}

/// A mailbox's bookkeeping as a value: what is queued, whether the consumer is parked, the
/// stop requested, the room taken by a bounded mailbox's batch, the senders waiting for room
/// and the executor jobs to run.
///
/// Every transition is a `mutating` method that returns what the caller must do once it has
/// released the lock — wake the consumer, wake room waiters, reject an evicted message — and
/// does none of it itself: no locks, no atomics, no system calls. ``Mailbox`` holds one under
/// its lock and carries the actions out; the tests drive it directly, without threads
/// (`MailboxStateTests`). The swift-async-algorithms state machines follow the same pattern.
///
/// The consumer's *run slot* is `consumerParked`: whoever turns it from `true` to `false` owns
/// the consumer until it is parked again (a sender or a job that must wake it, a close that
/// must wake it, a caller claiming an idle pooled service). So at most one thread runs it.
///
/// `Job` is `UnownedJob` in the runtime (any type in tests).
/// Not thread-safe: the mailbox guards it with its lock.
@usableFromInline
struct MailboxState<Message, Job>: ~Copyable {
    // Stored in this order (Swift keeps it): what every send to an unbounded mailbox reads
    // and writes — the buffer's header, the jobs' count, the run slot, the stop mode — fits
    // the first cache line; the one-byte fields share a word, so the whole state is 72 bytes
    // (a million pooled services each have one); the bounded policy's batch count and room
    // waiters end it.
    /// How many messages may be queued (plus the batch in hand); `Int.max`: unbounded.
    @usableFromInline let capacity: Int
    /// Messages accepted and not yet taken by the consumer.
    @usableFromInline var pending = MessageBuffer<Message>()
    /// Resumptions of `async` methods' tasks, to run on the service's thread.
    @usableFromInline var jobs = ContiguousArray<Job>()
    @usableFromInline let whenFull: MailboxPolicy.WhenFull
    /// The consumer found nothing to do and is parked (or, pooled, idle and unscheduled).
    @usableFromInline var consumerParked = false
    /// The stop requested so far, if any.
    @usableFromInline var closed: StopMode?
    /// The consumer has ended: no job can run any more.
    @usableFromInline var finished = false
    /// Bounded mailboxes: messages the consumer took and has not acknowledged as handled.
    @usableFromInline var inBatch = 0
    @usableFromInline var roomWaiters: [RoomWaiter] = []

    @inlinable
    init(capacity: Int = .max, whenFull: MailboxPolicy.WhenFull = .block) {
        self.capacity = capacity
        self.whenFull = whenFull
    }

    @inlinable var isBounded: Bool { capacity != Int.max }

    /// Messages accepted and not yet handled: queued, plus a bounded mailbox's batch in hand.
    @inlinable var depth: Int { pending.count + inBatch }

    /// No message and no job is queued.
    @inlinable var isEmpty: Bool { pending.isEmpty && jobs.isEmpty }

    // MARK: Sending

    @usableFromInline
    enum SendOutcome {
        case accepted
        /// Accepted, after evicting the oldest queued message, which the sender must reject.
        case acceptedEvicting(Message)
        /// Refused: the mailbox is closed.
        case closed(Message)
        /// Refused: the mailbox is full. With the `.block` policy and a waiter given, the
        /// waiter has been registered and will be woken once when there may be room.
        case full(Message)

        /// The message is in the mailbox.
        @inlinable var wasAccepted: Bool {
            switch self {
            case .accepted, .acceptedEvicting: true
            case .closed, .full: false
            }
        }
    }

    /// Appends `message`, or gives it back refused. When the message was accepted and
    /// `wakeConsumer` is `true`, the caller has taken the consumer's run slot and must wake
    /// (or schedule) it.
    ///
    /// - Parameters:
    ///   - waiter: registered as a room waiter when a `.block` mailbox is full.
    ///   - overCapacity: accept even when full (a sender for which waiting would deadlock).
    @inlinable @inline(__always)
    mutating func send(
        _ message: consuming Message, ifFull waiter: RoomWaiter?, overCapacity: Bool
    ) -> (outcome: SendOutcome, wakeConsumer: Bool) {
        if closed != nil { return (.closed(message), false) }
        var evicted: Message? = nil
        if isBounded && !overCapacity && depth >= capacity {
            switch whenFull {
            case .block:
                if let waiter { roomWaiters.append(waiter) }
                return (.full(message), false)
            case .fail, .dropNewest:
                return (.full(message), false)
            case .dropOldest:
                guard let oldest = pending.removeFirst() else { return (.full(message), false) }
                evicted = oldest
            }
        }
        pending.append(consume message)
        let wake = takeRunSlotIfParked()
        if let evicted { return (.acceptedEvicting(evicted), wake) }
        return (.accepted, wake)
    }

    /// Queues an executor job. Jobs are never refused while the consumer runs, whatever the
    /// stop mode or capacity. Returns `nil` once the consumer has finished (the job cannot
    /// run), else whether the caller must wake the consumer.
    @inlinable @inline(__always)
    mutating func sendJob(_ job: Job) -> Bool? {
        if finished { return nil }
        jobs.append(job)
        return takeRunSlotIfParked()
    }

    /// Withdraws the first room waiter that `matches` (its sender gave up). Returns `false`
    /// if none is registered: it was woken already, and its wake-up is on its way.
    @inlinable @inline(__always)
    mutating func withdrawRoomWaiter(where matches: (RoomWaiter) -> Bool) -> Bool {
        guard let index = roomWaiters.firstIndex(where: matches) else { return false }
        roomWaiters.remove(at: index)
        return true
    }

    /// Clears `consumerParked`, returning whether it was set: the caller now owns the run slot.
    @inlinable @inline(__always)
    mutating func takeRunSlotIfParked() -> Bool {
        let parked = consumerParked
        if parked { consumerParked = false }
        return parked
    }

    // MARK: Closing

    /// What ``close(_:claimingIfIdle:)`` did, and what the caller must do.
    @usableFromInline
    struct CloseAction {
        /// The stop mode changed (first close, or graceful upgraded to immediate).
        @usableFromInline var changed: Bool
        /// Wake (or schedule) the consumer: it was parked.
        @usableFromInline var wakeConsumer: Bool
        /// The caller took the run slot of a parked consumer with nothing queued and must end
        /// the service itself (nobody else was woken).
        @usableFromInline var claimed: Bool
        /// Senders waiting for room: wake them all (they will find the mailbox closed).
        @usableFromInline var roomWaiters: [RoomWaiter]

        @inlinable init(changed: Bool, wakeConsumer: Bool, claimed: Bool, roomWaiters: [RoomWaiter]) {
            (self.changed, self.wakeConsumer, self.claimed, self.roomWaiters) = (changed, wakeConsumer, claimed, roomWaiters)
        }
    }

    /// Refuses further messages. An immediate close upgrades an earlier graceful one; any
    /// other repeated close changes nothing. With `claim`, a parked consumer with nothing
    /// queued is not woken: the caller takes its run slot instead.
    @inlinable @inline(__always)
    mutating func close(_ mode: StopMode, claimingIfIdle claim: Bool) -> CloseAction {
        let changed: Bool
        switch (closed, mode) {
        case (nil, _), (.graceful?, .immediate):
            closed = mode
            changed = true
        default:
            changed = false
        }
        let tookSlot = changed && takeRunSlotIfParked()
        let claimed = tookSlot && claim && isEmpty
        let waiters = roomWaiters
        roomWaiters = []
        return CloseAction(changed: changed, wakeConsumer: tookSlot && !claimed, claimed: claimed, roomWaiters: waiters)
    }

    // MARK: Consuming

    /// What ``take(into:jobs:takeMessages:knownClose:mayFinish:stillHeld:)`` found.
    @usableFromInline
    struct Take {
        /// The stop requested so far, if any.
        @usableFromInline var closed: StopMode?
        /// No message is left in the queue.
        @usableFromInline var drained: Bool
        /// Jobs or messages were taken.
        @usableFromInline var tookWork: Bool
        /// Messages were taken into the batch.
        @usableFromInline var tookMessages: Bool
        /// Stopped, drained, nothing taken and `mayFinish`: the consumer must end now; no job
        /// is accepted any more.
        @usableFromInline var finished: Bool
        /// Nothing is queued: the producers' work hint may be cleared.
        @usableFromInline var nothingQueued: Bool

        @inlinable
        init(closed: StopMode?, drained: Bool, tookWork: Bool, tookMessages: Bool, finished: Bool, nothingQueued: Bool) {
            (self.closed, self.drained, self.tookWork) = (closed, drained, tookWork)
            (self.tookMessages, self.finished, self.nothingQueued) = (tookMessages, finished, nothingQueued)
        }

        /// The consumer has something to act on: work, a new stop mode, or its end.
        @inlinable func mustReturn(knownClose: StopMode?) -> Bool {
            tookWork || closed != knownClose || finished
        }
    }

    /// The consumer's look at the queue: takes every job into `jobs`, and (when `takeMessages`,
    /// or once closed immediately) every message into `batch`, which must be empty. A bounded
    /// mailbox counts `stillHeld` (taken earlier, not yet handled) plus the new batch as in
    /// hand. When the result says the consumer must not return (see ``Take/mustReturn``), it
    /// may look again or ``parkConsumer()``.
    @inlinable @inline(__always)
    mutating func take(
        into batch: inout MessageBuffer<Message>,
        jobs taken: inout ContiguousArray<Job>,
        takeMessages: Bool,
        knownClose: StopMode?,
        mayFinish: Bool,
        stillHeld: Int
    ) -> Take {
        var tookWork = false
        if !jobs.isEmpty {
            swap(&taken, &jobs)
            tookWork = true
        }
        var tookMessages = false
        if (takeMessages || closed == .immediate) && !pending.isEmpty {
            pending.swapContents(with: &batch)
            if isBounded { inBatch = stillHeld + batch.count }
            tookMessages = true
            tookWork = true
        }
        let drained = pending.isEmpty
        let finishing = closed != nil && drained && mayFinish && !tookWork
        if finishing { finished = true }
        return Take(
            closed: closed, drained: drained, tookWork: tookWork, tookMessages: tookMessages,
            finished: finishing, nothingQueued: drained && jobs.isEmpty)
    }

    /// The consumer found nothing to do and parks: the next send, job or close takes its run
    /// slot and wakes it.
    @inlinable @inline(__always)
    mutating func parkConsumer() {
        consumerParked = true
    }

    /// Bounded mailboxes: the consumer handled its last batch except `stillHeld` messages.
    /// Returns the room waiters to wake (all of them: each looks again).
    @inlinable @inline(__always)
    mutating func acknowledgeBatch(stillHeld: Int) -> [RoomWaiter] {
        inBatch = stillHeld
        let waiters = roomWaiters
        if !waiters.isEmpty { roomWaiters = [] }
        return waiters
    }

    /// Takes every queued message into `batch` (which must be empty), to be dropped on a
    /// restart.
    @inlinable @inline(__always)
    mutating func takeQueued(into batch: inout MessageBuffer<Message>) {
        pending.swapContents(with: &batch)
    }

    // MARK: Run slot (pooled services)

    /// Claims the run slot if the consumer is parked with nothing queued, nothing to run and
    /// no stop requested: then no message sent before the caller's is still unhandled, so
    /// handling the caller's message now keeps the mailbox order.
    @inlinable @inline(__always)
    mutating func claimIfIdle() -> Bool {
        guard consumerParked && closed == nil && isEmpty else { return false }
        consumerParked = false
        return true
    }

    /// Gives back the run slot claimed by ``claimIfIdle()``. Returns `true` when work arrived
    /// meanwhile (a message, a job, a stop): the slot stays taken and the caller must schedule
    /// the consumer, as a sender that found it parked would. Otherwise the consumer is parked
    /// again.
    @inlinable @inline(__always)
    mutating func releaseClaim() -> Bool {
        let workArrived = closed != nil || !isEmpty
        if !workArrived { consumerParked = true }
        return workArrived
    }
}
