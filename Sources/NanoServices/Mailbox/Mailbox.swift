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
/// thread; ``receive(into:spinNanoseconds:)`` only from the service's own thread. No lock is
/// shared between two mailboxes.
@usableFromInline
final class Mailbox<Message>: @unchecked Sendable {
    @usableFromInline
    enum ReceiveResult {
        /// `batch` holds at least one message.
        case messages
        /// Closed gracefully and nothing is left: the consumer should end.
        case closedAndDrained
        /// Closed immediately: `batch` holds every message still queued (possibly none),
        /// which the consumer must reject.
        case closedImmediately
    }

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
        @inlinable init() {}
    }

    // Unsafe storage instead of stored properties: the lock protects `state`, and plain
    // pointers avoid the runtime exclusivity checks Swift would add to class properties.
    @usableFromInline let words: UnsafeMutableRawPointer        // lock word, wake word, immediate flag: one cache line each
    @usableFromInline let lock: FutexLock                       // protects `state`
    @usableFromInline let wakeWord: UnsafeMutablePointer<UInt32> // the consumer parks on it (see ThreadParker)
    @usableFromInline let immediateFlag: UnsafeMutablePointer<UInt32> // 1 once closed immediately; read per message
    @usableFromInline let state: UnsafeMutablePointer<State>    // guarded by `lock`
    @usableFromInline let capacity: Int                          // Int.max: unbounded
    @usableFromInline let whenFull: MailboxPolicy.WhenFull

    @inlinable
    init(policy: MailboxPolicy = .unbounded) {
        words = UnsafeMutableRawPointer.allocate(byteCount: 192, alignment: 64)
        words.initializeMemory(as: UInt8.self, repeating: 0, count: 192)
        lock = FutexLock(word: words.assumingMemoryBound(to: UInt32.self))
        wakeWord = (words + 64).assumingMemoryBound(to: UInt32.self)
        immediateFlag = (words + 128).assumingMemoryBound(to: UInt32.self)
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
    @inlinable @inline(__always)
    func send(_ message: consuming Message, ifFull waiter: RoomWaiter? = nil) -> SendOutcome {
        lock.lock()
        if state.pointee.closed != nil {
            lock.unlock()
            return .closed(message)
        }
        var evicted: Message? = nil
        if capacity != Int.max && state.pointee.pending.count + state.pointee.inBatch >= capacity {
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
        let wake = state.pointee.consumerParked
        if wake { state.pointee.consumerParked = false }
        lock.unlock()
        if wake { ThreadParker.unpark(wakeWord) }
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
        if wake { ThreadParker.unpark(wakeWord) }
        for waiter in waiters { waiter.wake() }
        return changed
    }

    /// Whether a stop was requested. Only a snapshot.
    var isClosed: Bool {
        lock.withLock { state.pointee.closed != nil }
    }

    /// Whether an immediate stop was requested; the consumer checks it between messages.
    @inlinable @inline(__always)
    var isClosedImmediately: Bool { nano_atomic_load_acquire(immediateFlag) != 0 }

    /// Messages accepted and not yet handled (queued, plus a bounded mailbox's current batch).
    var depth: Int {
        lock.withLock { state.pointee.pending.count + state.pointee.inBatch }
    }

    /// Moves every pending message into `batch` (which must be empty), waiting for one if
    /// there is none: spinning up to `spinNanoseconds`, then parking. Calling it again
    /// acknowledges the previous batch as handled. Service thread only.
    @inlinable
    func receive(into batch: inout MessageBuffer<Message>, spinNanoseconds: Int64) -> ReceiveResult {
        var spinner = SpinWait(budgetNanoseconds: spinNanoseconds)
        var spinning = spinNanoseconds > 0
        if capacity != Int.max { acknowledgeBatch() }
        while true {
            lock.lock()
            if !state.pointee.pending.isEmpty {
                state.pointee.pending.swapContents(with: &batch)
                if capacity != Int.max { state.pointee.inBatch = batch.count }
                let immediately = state.pointee.closed == .immediate
                lock.unlock()
                return immediately ? .closedImmediately : .messages
            }
            if let closed = state.pointee.closed {
                lock.unlock()
                return closed == .immediate ? .closedImmediately : .closedAndDrained
            }
            if spinning {
                lock.unlock()
                spinning = spinner.spin()
                continue
            }
            state.pointee.consumerParked = true
            lock.unlock()
            ThreadParker.park(wakeWord)
            spinner = SpinWait(budgetNanoseconds: spinNanoseconds)
            spinning = spinNanoseconds > 0
        }
    }

    /// Bounded mailboxes: the last batch is handled; free its room and wake waiting senders.
    @usableFromInline
    func acknowledgeBatch() {
        lock.lock()
        state.pointee.inBatch = 0
        let waiters = state.pointee.roomWaiters
        if !waiters.isEmpty { state.pointee.roomWaiters = [] }
        lock.unlock()
        for waiter in waiters { waiter.wake() }
    }
}
