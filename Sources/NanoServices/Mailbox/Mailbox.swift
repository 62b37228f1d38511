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
/// Thread safety: ``send(_:)``, ``close(_:)`` and the counters may be called from any thread;
/// ``receive(into:spinNanoseconds:)`` only from the service's own thread. No lock is shared
/// between two mailboxes.
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
    struct State: ~Copyable {
        @usableFromInline var pending = MessageBuffer<Message>()
        @usableFromInline var consumerParked = false
        @usableFromInline var closed: StopMode?
        @inlinable init() {}
    }

    // Unsafe storage instead of stored properties: the lock protects `state`, and plain
    // pointers avoid the runtime exclusivity checks Swift would add to class properties.
    @usableFromInline let words: UnsafeMutableRawPointer        // lock word, wake word, immediate flag: one cache line each
    @usableFromInline let lock: FutexLock                       // protects `state`
    @usableFromInline let wakeWord: UnsafeMutablePointer<UInt32> // the consumer parks on it (see ThreadParker)
    @usableFromInline let immediateFlag: UnsafeMutablePointer<UInt32> // 1 once closed immediately; read per message
    @usableFromInline let state: UnsafeMutablePointer<State>    // guarded by `lock`

    @inlinable
    init() {
        words = UnsafeMutableRawPointer.allocate(byteCount: 192, alignment: 64)
        words.initializeMemory(as: UInt8.self, repeating: 0, count: 192)
        lock = FutexLock(word: words.assumingMemoryBound(to: UInt32.self))
        wakeWord = (words + 64).assumingMemoryBound(to: UInt32.self)
        immediateFlag = (words + 128).assumingMemoryBound(to: UInt32.self)
        state = .allocate(capacity: 1)
        state.initialize(to: State())
    }

    @inlinable
    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
        words.deallocate()
    }

    /// Enqueues `message`. Returns `nil` when accepted, or the message itself, refused, if the
    /// mailbox is closed. Cost: one uncontended lock round trip and a move into the buffer; a
    /// futex wake only if the consumer was parked.
    @inlinable @inline(__always)
    func send(_ message: consuming Message) -> Message? {
        lock.lock()
        if state.pointee.closed != nil {
            lock.unlock()
            return message
        }
        state.pointee.pending.append(consume message)
        let wake = state.pointee.consumerParked
        if wake { state.pointee.consumerParked = false }
        lock.unlock()
        if wake { ThreadParker.unpark(wakeWord) }
        return nil
    }

    /// Refuses further messages and wakes the consumer. An immediate close upgrades an earlier
    /// graceful one. Never blocks on the consumer. Returns `true` if this call changed the mode.
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
        lock.unlock()
        if wake { ThreadParker.unpark(wakeWord) }
        return changed
    }

    /// Whether a stop was requested. Cheap, but only a snapshot.
    var isClosed: Bool {
        lock.withLock { state.pointee.closed != nil }
    }

    /// Whether an immediate stop was requested; the consumer checks it between messages.
    @inlinable @inline(__always)
    var isClosedImmediately: Bool { nano_atomic_load_acquire(immediateFlag) != 0 }

    /// Messages queued and not yet taken by the consumer.
    var pendingCount: Int {
        lock.withLock { state.pointee.pending.count }
    }

    /// Moves every pending message into `batch` (which must be empty), waiting for one if
    /// there is none: spinning up to `spinNanoseconds`, then parking.
    /// Service thread only.
    @inlinable
    func receive(into batch: inout MessageBuffer<Message>, spinNanoseconds: Int64) -> ReceiveResult {
        var spinner = SpinWait(budgetNanoseconds: spinNanoseconds)
        var spinning = spinNanoseconds > 0
        while true {
            lock.lock()
            if !state.pointee.pending.isEmpty {
                state.pointee.pending.swapContents(with: &batch)
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
}
