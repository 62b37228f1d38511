import CNanoServicesShims

/// A service's multi-producer, single-consumer message queue.
///
/// Producers (any thread holding a handle) append under a short futex lock; the consumer
/// (the service's thread) takes *every* pending message in one lock acquisition by swapping
/// buffers, then handles the batch without holding the lock. Messages are the macro's
/// generated enum values, stored inline: a cast costs no allocation once the buffers have
/// grown to the working size. Order is FIFO overall, hence FIFO per sender.
///
/// When the queue is empty the consumer spins for a bounded, yielding while (see
/// ``SpinWait``), then parks on a futex; the producer that finds it parked wakes it, once.
///
/// A bounded mailbox (see ``MailboxPolicy``) counts the queued messages plus the batch the
/// consumer took last; the consumer acknowledges a batch when it comes back for the next one,
/// which is when senders waiting for room are woken. Unbounded mailboxes skip all of this.
///
/// Thread safety: ``send(_:ifFull:)``, ``close(_:)`` and the counters may be called from any
/// thread; `receive` only from the service's own thread. No lock is
/// shared between two mailboxes.
/// `@unchecked Sendable` is sound: `state` is only touched under `lock`; the flag words are
/// atomics; `pacing` is the consumer's alone; the rest is immutable.
@usableFromInline
final class Mailbox<Message>: @unchecked Sendable {
    @usableFromInline typealias State = MailboxState<Message, UnownedJob>
    @usableFromInline typealias SendOutcome = State.SendOutcome

    // Unsafe storage instead of stored properties: the lock protects `state`, and plain
    // pointers avoid the runtime exclusivity checks Swift would add to class properties.
    // Only `words` is stored: the other pointers are computed from it and ``layout`` (an add
    // of a constant), which keeps this object at 40 bytes — there may be a million of them.
    @usableFromInline let words: UnsafeMutableRawPointer        // lock, wake, immediate, hint, CPU, pacing, then `state` (see ``Layout``)
    /// `Int.max`: unbounded. A copy of the state's, for readers without the lock: reading any
    /// field of `state` unlocked is a Swift access to the whole value, which races with a
    /// locked sender's mutation of it (the Thread Sanitizer reports it).
    @usableFromInline let capacity: Int
    /// For a service on a ``ServicePool``: how to wake the consumer (schedule it on the pool)
    /// instead of unparking a thread. `nil` for a service with its own thread.
    @usableFromInline let poolSlot: PoolSlot?

    /// Where the words are: decided by the placement.
    @inlinable var layout: Layout { Layout(pooled: poolSlot != nil) }
    /// Protects `state`.
    @inlinable var lock: FutexLock { FutexLock(word: words.assumingMemoryBound(to: UInt32.self)) }
    /// The consumer parks on it (see ThreadParker).
    @inlinable var wakeWord: UnsafeMutablePointer<UInt32> { (words + layout.wake).assumingMemoryBound(to: UInt32.self) }
    /// 1 once closed immediately; read per message.
    @inlinable var immediateFlag: UnsafeMutablePointer<UInt32> { (words + layout.immediate).assumingMemoryBound(to: UInt32.self) }
    /// 1 while there may be work queued: written under `lock`, read without it by a spinning
    /// consumer, so that waiting for work never competes with producers for the lock.
    @inlinable var workHint: UnsafeMutablePointer<UInt32> { (words + layout.workHint).assumingMemoryBound(to: UInt32.self) }
    /// The CPU the consumer last waited for work on (+1; 0: unknown). Written by the consumer,
    /// read by callers deciding whether spinning can pay off.
    @inlinable var consumerCPU: UnsafeMutablePointer<UInt32> { (words + layout.consumerCPU).assumingMemoryBound(to: UInt32.self) }
    /// Guarded by `lock`.
    @inlinable var state: UnsafeMutablePointer<State> { (words + layout.stateOffset).assumingMemoryBound(to: State.self) }
    /// When the consumer may take its next batch (see ``BatchPacing``). Consumer only; off
    /// the producers' cache line, since they read this object's fields on every send.
    @inlinable var pacing: UnsafeMutablePointer<BatchPacing> { (words + layout.pacing).assumingMemoryBound(to: BatchPacing.self) }

    @inlinable
    init(policy: MailboxPolicy = .unbounded, poolSlot: PoolSlot? = nil) {
        self.poolSlot = poolSlot
        let layout = Layout(pooled: poolSlot != nil)
        words = CacheLine.allocate(lines: layout.lines, trailingBytes: MemoryLayout<State>.stride)
        capacity = policy.capacity
        (words + layout.pacing).bindMemory(to: BatchPacing.self, capacity: 1).initialize(to: BatchPacing())
        (words + layout.stateOffset).bindMemory(to: State.self, capacity: 1)
            .initialize(to: State(capacity: policy.capacity, whenFull: policy.whenFull))
        OneShotEvent.initializeRegion(words + ServiceBlock.termination)
    }

    @inlinable
    deinit {
        state.deinitialize(count: 1)
        OneShotEvent.deinitializeRegion(words + ServiceBlock.termination)
        words.deallocate()  // `state` lives in the same block
    }

    /// Where each word lives in the mailbox's one allocation (`words`), then `state`.
    ///
    /// A service with its own thread is hot, so every word gets a cache line of its own: the
    /// lock and the producers' hint, the consumer's wake word, the immediate flag it reads per
    /// message, its CPU, its pacing — after the service's two header lines (``ServiceBlock``:
    /// the lock's line, which also holds the termination event and the thread id, and the
    /// counter line), 7 lines (448 bytes). A pooled service is mostly idle and there may be a
    /// million of them, so its words share lines: the producers' (lock, hint), the counters,
    /// and the consumer's (the rest) — 192 bytes, which keeps senders off the lines the
    /// consumer writes per message.
    @usableFromInline
    struct Layout {
        @usableFromInline let workHint: Int, wake: Int, immediate: Int, consumerCPU: Int, pacing: Int
        /// The service's counter line (busy time, messages in hand, handled counts): written by
        /// the consumer per message, read by snapshots; line 1 in both layouts (see
        /// ``ServiceBlock``).
        @inlinable var counters: Int { ServiceBlock.counters }
        /// Whole cache lines before `state`, which starts right after them.
        @usableFromInline let lines: Int

        @inlinable
        init(pooled: Bool) {
            let line = CacheLine.size
            if pooled {
                (workHint, wake, immediate, consumerCPU, pacing) = (8, 2 * line, 2 * line + 8, 2 * line + 16, 2 * line + 32)
                lines = 3
            } else {
                (workHint, wake, immediate, consumerCPU, pacing) = (4 * line, 2 * line, 3 * line, 5 * line, 6 * line)
                lines = 7
            }
        }

        /// Where `state` starts.
        @inlinable var stateOffset: Int { lines * CacheLine.size }
    }

    /// Enqueues `message`, or gives it back refused. Never blocks: with the `.block` policy a
    /// full mailbox registers `waiter` (if given) and returns ``SendOutcome/full(_:)``; the
    /// caller waits on it and sends again.
    ///
    /// Cost (unbounded): one uncontended lock round trip and a move into the buffer; a futex
    /// wake only if the consumer was parked.
    ///
    /// - Parameter overCapacity: accept even when full (a sender for which waiting for room
    ///   would be a deadlock).
    @inlinable @inline(__always)
    func send(_ message: consuming Message, ifFull waiter: RoomWaiter? = nil, overCapacity: Bool = false) -> SendOutcome {
        lock.lock()
        let (outcome, wake) = state.pointee.send(message, ifFull: waiter, overCapacity: overCapacity)
        if outcome.wasAccepted && nano_atomic_load_acquire(workHint) == 0 { nano_atomic_store_release(workHint, 1) }
        lock.unlock()
        if wake { wakeConsumer() }
        return outcome
    }

    /// Withdraws a thread's registration as a room waiter (its wait timed out). Returns `false`
    /// if it was already woken, in which case its wake-up token is on its way.
    func withdrawRoomWaiter(_ word: UnsafeMutablePointer<UInt32>) -> Bool {
        withdrawRoomWaiter {
            if case .thread(let registered) = $0 { return registered == word }
            return false
        }
    }

    /// Withdraws a task's registration as a room waiter (it timed out or was cancelled), so
    /// that the list of waiters does not grow with senders that gave up.
    @discardableResult
    func withdrawRoomWaiter(_ wait: RoomWait) -> Bool {
        withdrawRoomWaiter {
            if case .task(let registered) = $0 { return registered === wait }
            return false
        }
    }

    private func withdrawRoomWaiter(where matches: (RoomWaiter) -> Bool) -> Bool {
        lock.withLock { state.pointee.withdrawRoomWaiter(where: matches) }
    }

    /// Refuses further messages and wakes the consumer and every sender waiting for room.
    /// An immediate close upgrades an earlier graceful one. Never blocks on the consumer.
    /// With `claim`, a pooled consumer that is parked with nothing queued is not scheduled:
    /// the caller gets its run slot instead (``CloseOutcome/closedAndClaimed``).
    @usableFromInline @discardableResult
    func close(_ mode: StopMode, claimingIfIdle claim: Bool = false) -> CloseOutcome {
        lock.lock()
        let action = state.pointee.close(mode, claimingIfIdle: claim)
        if action.changed, mode == .immediate { nano_atomic_store_release(immediateFlag, 1) }
        lock.unlock()
        if action.wakeConsumer { wakeConsumer() }
        for waiter in action.roomWaiters { waiter.wake() }
        return action.changed ? (action.claimed ? .closedAndClaimed : .closed) : .unchanged
    }

    /// What ``close(_:claimingIfIdle:)`` did.
    @usableFromInline
    enum CloseOutcome {
        /// The mailbox was already closed in that mode (or immediately).
        case unchanged
        /// Closed; the consumer was woken (or will see it between messages).
        case closed
        /// Closed, and the caller holds the run slot of a parked pooled consumer with nothing
        /// queued: it must finish the service itself (nobody was woken).
        case closedAndClaimed
    }

    /// Whether the consumer last waited on the caller's own CPU. Then spinning for its answer
    /// only keeps it from running: the caller should park (or suspend) at once.
    @inlinable
    var consumerSharesCallersCPU: Bool {
        let consumer = nano_atomic_load_acquire(consumerCPU)
        return consumer != 0 && consumer == UInt32(bitPattern: nano_current_cpu() &+ 1)
    }

    /// Whether an immediate stop was requested; the consumer checks it between messages.
    @inlinable @inline(__always)
    var isClosedImmediately: Bool { nano_atomic_load_acquire(immediateFlag) != 0 }

    /// Messages accepted and not yet handled (queued, plus a bounded mailbox's current batch).
    var depth: Int {
        lock.withLock { state.pointee.depth }
    }
}

extension Mailbox {
    /// Executor jobs queued and not yet taken by the consumer. Any thread; takes the lock.
    /// For tests that must know a job has arrived before they let the service go on.
    var queuedJobCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return state.pointee.jobs.count
    }
}
