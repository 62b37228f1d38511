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
@usableFromInline
final class Mailbox<Message>: @unchecked Sendable {
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
    }

    /// Someone waiting for room in a full mailbox.
    @usableFromInline
    enum RoomWaiter {
        case thread(UnsafeMutablePointer<UInt32>)
        case task(UnsafeContinuation<Void, Never>)

        func wake() {
            switch self {
            case .thread(let word): ThreadParker.unpark(word)
            case .task(let continuation): continuation.resume()
            }
        }
    }

    @usableFromInline
    struct State: ~Copyable {
        @usableFromInline var pending = MessageBuffer<Message>()
        @usableFromInline var consumerParked = false
        @usableFromInline var closed: StopMode?
        /// Bounded mailboxes: messages the consumer took in its last batch, not yet acknowledged.
        @usableFromInline var inBatch = 0
        @usableFromInline var roomWaiters: [RoomWaiter] = []
        /// Resumptions of `async` methods' tasks, to run on the service thread.
        @usableFromInline var jobs = ContiguousArray<UnownedJob>()
        /// The consumer has ended: no job can run any more.
        @usableFromInline var finished = false
        @inlinable init() {}
    }

    // Unsafe storage instead of stored properties: the lock protects `state`, and plain
    // pointers avoid the runtime exclusivity checks Swift would add to class properties.
    @usableFromInline let words: UnsafeMutableRawPointer        // lock, wake, immediate, hint, CPU, pacing: one cache line each
    @usableFromInline let lock: FutexLock                       // protects `state`
    @usableFromInline let wakeWord: UnsafeMutablePointer<UInt32> // the consumer parks on it (see ThreadParker)
    @usableFromInline let immediateFlag: UnsafeMutablePointer<UInt32> // 1 once closed immediately; read per message
    /// 1 while there may be work queued: written under `lock`, read without it by a spinning
    /// consumer, so that waiting for work never competes with producers for the lock.
    @usableFromInline let workHint: UnsafeMutablePointer<UInt32>
    /// The CPU the consumer last waited for work on (+1; 0: unknown). Written by the consumer,
    /// read by callers deciding whether spinning can pay off.
    @usableFromInline let consumerCPU: UnsafeMutablePointer<UInt32>
    @usableFromInline let state: UnsafeMutablePointer<State>    // guarded by `lock`
    @usableFromInline let capacity: Int                          // Int.max: unbounded
    /// When the consumer may take its next batch (see ``BatchPacing``). Consumer only; on a
    /// cache line of its own, since producers read this object's fields on every send.
    @usableFromInline let pacing: UnsafeMutablePointer<BatchPacing>
    @usableFromInline let whenFull: MailboxPolicy.WhenFull
    /// For a service on a ``ServicePool``: how to wake the consumer (schedule it on the pool)
    /// instead of unparking a thread. `nil` for a service with its own thread.
    @usableFromInline let poolSlot: PoolSlot?

    @inlinable
    init(policy: MailboxPolicy = .unbounded, poolSlot: PoolSlot? = nil) {
        self.poolSlot = poolSlot
        words = UnsafeMutableRawPointer.allocate(byteCount: 384, alignment: 64)
        words.initializeMemory(as: UInt8.self, repeating: 0, count: 384)
        lock = FutexLock(word: words.assumingMemoryBound(to: UInt32.self))
        wakeWord = (words + 64).assumingMemoryBound(to: UInt32.self)
        immediateFlag = (words + 128).assumingMemoryBound(to: UInt32.self)
        workHint = (words + 192).assumingMemoryBound(to: UInt32.self)
        consumerCPU = (words + 256).assumingMemoryBound(to: UInt32.self)
        pacing = (words + 320).bindMemory(to: BatchPacing.self, capacity: 1)
        pacing.initialize(to: BatchPacing())
        state = .allocate(capacity: 1)
        state.initialize(to: State())
        capacity = policy.capacity
        whenFull = policy.whenFull
    }

    @inlinable
    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
        words.deallocate()
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
        if state.pointee.closed != nil {
            lock.unlock()
            return .closed(message)
        }
        var evicted: Message? = nil
        if capacity != Int.max && !overCapacity && state.pointee.pending.count + state.pointee.inBatch >= capacity {
            switch whenFull {
            case .block:
                if let waiter { state.pointee.roomWaiters.append(waiter) }
                lock.unlock()
                return .full(message)
            case .fail, .dropNewest:
                lock.unlock()
                return .full(message)
            case .dropOldest:
                guard let oldest = state.pointee.pending.removeFirst() else {
                    lock.unlock()
                    return .full(message)
                }
                evicted = oldest
            }
        }
        state.pointee.pending.append(consume message)
        if nano_atomic_load_acquire(workHint) == 0 { nano_atomic_store_release(workHint, 1) }
        let wake = state.pointee.consumerParked
        if wake { state.pointee.consumerParked = false }
        lock.unlock()
        if wake { wakeConsumer() }
        if let evicted { return .acceptedEvicting(evicted) }
        return .accepted
    }

    /// Withdraws a thread's registration as a room waiter (its wait timed out). Returns `false`
    /// if it was already woken, in which case its wake-up token is on its way.
    func withdrawRoomWaiter(_ word: UnsafeMutablePointer<UInt32>) -> Bool {
        lock.withLock {
            guard let index = state.pointee.roomWaiters.firstIndex(where: {
                if case .thread(let registered) = $0 { return registered == word }
                return false
            }) else { return false }
            state.pointee.roomWaiters.remove(at: index)
            return true
        }
    }

    /// Refuses further messages and wakes the consumer and every sender waiting for room.
    /// An immediate close upgrades an earlier graceful one. Never blocks on the consumer.
    /// Returns `true` if this call changed the mode.
    @usableFromInline @discardableResult
    func close(_ mode: StopMode) -> Bool {
        lock.lock()
        let changed: Bool
        switch (state.pointee.closed, mode) {
        case (nil, _), (.graceful?, .immediate):
            state.pointee.closed = mode
            changed = true
        default:
            changed = false
        }
        if changed, mode == .immediate { nano_atomic_store_release(immediateFlag, 1) }
        let wake = changed && state.pointee.consumerParked
        if wake { state.pointee.consumerParked = false }
        let waiters = state.pointee.roomWaiters
        state.pointee.roomWaiters = []
        lock.unlock()
        if wake { wakeConsumer() }
        for waiter in waiters { waiter.wake() }
        return changed
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
        lock.withLock { state.pointee.pending.count + state.pointee.inBatch }
    }

    /// What ``receive(into:jobs:takeMessages:knownClose:mayFinish:stillHeld:spinNanoseconds:)`` saw.
    @usableFromInline
    struct Received {
        /// The stop requested so far, if any.
        @usableFromInline var closed: StopMode?
        /// No message is left in the queue.
        @usableFromInline var drained: Bool
        /// Stopped, drained, nothing left to run: the consumer must end now. No job is
        /// accepted any more.
        @usableFromInline var finished: Bool
        /// Nothing to take and the consumer may not park (a pooled service): it is now marked
        /// parked, and the next send schedules it again. The caller must not touch the
        /// consumer's state any more.
        @usableFromInline var idle: Bool
        /// Messages were taken: `true` if they were already waiting when the consumer first
        /// looked (see ``BatchPacing/took(_:at:waiting:)``, which the consumer must call).
        @usableFromInline var tookMessagesWaiting: Bool?
        @inlinable init(closed: StopMode?, drained: Bool, finished: Bool, idle: Bool = false, tookMessagesWaiting: Bool? = nil) {
            self.closed = closed
            self.drained = drained
            self.finished = finished
            self.idle = idle
            self.tookMessagesWaiting = tookMessagesWaiting
        }
    }

    /// Waits for work and takes it: every queued job into `jobs`, and (when `takeMessages`, or
    /// once closed immediately) every queued message into `batch`, which must be empty.
    /// Returns when it took something, when the stop mode differs from `knownClose`, or when
    /// closed, drained and `mayFinish`. Spins up to `spinNanoseconds`, then parks — or, when
    /// `mayPark` is `false` (a pooled service), marks the consumer parked and returns `idle`.
    ///
    /// A bounded mailbox counts `stillHeld` (messages taken earlier and not yet handled) and
    /// the new batch against its capacity; the previous batch is acknowledged as handled.
    /// Service thread only.
    @inlinable
    func receive(
        into batch: inout MessageBuffer<Message>,
        jobs: inout ContiguousArray<UnownedJob>,
        takeMessages: Bool,
        knownClose: StopMode?,
        mayFinish: Bool,
        stillHeld: Int,
        spinNanoseconds: Int64,
        mayPark: Bool = true
    ) -> Received {
        var spinner = SpinWait(budgetNanoseconds: spinNanoseconds)
        var spinning = spinNanoseconds > 0
        if capacity != Int.max { acknowledgeBatch(stillHeld: stillHeld) }
        if spinning {
            nano_atomic_store_release(consumerCPU, UInt32(bitPattern: nano_current_cpu() &+ 1))
        }
        if mayPark && takeMessages {
            // While a stream arrives, let the next batch build up (see BatchPacing).
            let earliest = pacing.pointee.earliestNextTake
            while nano_monotonic_ns() < earliest { nano_cpu_relax() }
        }
        var firstLook = true
        while true {
            lock.lock()
            var tookWork = false
            if !state.pointee.jobs.isEmpty {
                swap(&jobs, &state.pointee.jobs)
                tookWork = true
            }
            let closed = state.pointee.closed
            var tookMessages = false
            if (takeMessages || closed == .immediate) && !state.pointee.pending.isEmpty {
                state.pointee.pending.swapContents(with: &batch)
                if capacity != Int.max { state.pointee.inBatch = stillHeld + batch.count }
                tookMessages = true
                tookWork = true
            }
            let drained = state.pointee.pending.isEmpty
            if drained && state.pointee.jobs.isEmpty { nano_atomic_store_release(workHint, 0) }
            let finished = closed != nil && drained && mayFinish && !tookWork
            if tookWork || closed != knownClose || finished {
                if finished { state.pointee.finished = true }
                lock.unlock()
                return Received(
                    closed: closed, drained: drained, finished: finished,
                    tookMessagesWaiting: tookMessages ? firstLook : nil)
            }
            if firstLook {
                firstLook = false
                pacing.pointee.foundEmpty()
            }
            if spinning {
                lock.unlock()
                // Spin on the hint alone; take the lock again only when work may be there.
                while spinning && nano_atomic_load_acquire(workHint) == 0 {
                    spinning = spinner.spin()
                }
                continue
            }
            state.pointee.consumerParked = true
            lock.unlock()
            if !mayPark { return Received(closed: closed, drained: drained, finished: false, idle: true) }
            ThreadParker.park(wakeWord)
            spinner = SpinWait(budgetNanoseconds: spinNanoseconds)
            spinning = spinNanoseconds > 0
        }
    }

    /// Queues a job (the resumption of an `async` method's task) for the consumer. Jobs are
    /// never refused while the consumer runs, whatever the stop mode or capacity. Returns
    /// `false` once the consumer has finished for good.
    func sendJob(_ job: UnownedJob) -> Bool {
        lock.lock()
        if state.pointee.finished {
            lock.unlock()
            return false
        }
        state.pointee.jobs.append(job)
        if nano_atomic_load_acquire(workHint) == 0 { nano_atomic_store_release(workHint, 1) }
        let wake = state.pointee.consumerParked
        if wake { state.pointee.consumerParked = false }
        lock.unlock()
        if wake { wakeConsumer() }
        return true
    }

    /// Wakes the consumer that was found parked (and marked not parked under the lock): unparks
    /// its thread, or schedules a pooled service on its pool. Called once per parking.
    @inlinable @inline(__always)
    func wakeConsumer() {
        if let poolSlot {
            poolSlot.schedule()
        } else {
            ThreadParker.unpark(wakeWord)
        }
    }

    /// Bounded mailboxes: the last batch is handled; free its room and wake waiting senders.
    @usableFromInline
    func acknowledgeBatch(stillHeld: Int) {
        lock.lock()
        state.pointee.inBatch = stillHeld
        let waiters = state.pointee.roomWaiters
        if !waiters.isEmpty { state.pointee.roomWaiters = [] }
        lock.unlock()
        for waiter in waiters { waiter.wake() }
    }
}
