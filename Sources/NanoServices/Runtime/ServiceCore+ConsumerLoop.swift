import CNanoServicesShims
import Instrumentation

/// The consumer side: the loop that takes messages and jobs from the mailbox and handles them.
/// Service thread (or a pool slice) only.
extension ServiceCore {
    /// What one step of the loop did.
    @usableFromInline
    enum StepOutcome {
        /// Took and handled work.
        case worked
        /// Nothing to do and not allowed to park (pool): the service is marked parked.
        case idle
        /// Stopped and drained: the service has ended.
        case finished
    }

    /// Waits for work (or, with `mayPark: false`, only looks), then handles it: jobs first,
    /// then the batch of messages, at most `budget` of them (the rest of the batch stays in
    /// `loop` for the next step, which handles it before taking anything new).
    /// Service thread (or pool slice).
    @inlinable
    func step(_ loop: inout Loop, mayPark: Bool, budget: inout Int) -> StepOutcome {
        let received: Mailbox<Envelope>.Received
        if loop.batch.isEmpty || loop.awaitingRestart {
            received = mailbox.receive(
                into: &loop.batch, jobs: &loop.jobs,
                takeMessages: !isHeldByAsyncMethod && loop.held.isEmpty && !loop.awaitingRestart,
                knownClose: loop.knownClose,
                mayFinish: asyncTasksInFlight == 0 && loop.held.isEmpty && !loop.awaitingRestart,
                stillHeld: loop.held.count + (loop.awaitingRestart ? loop.batch.count : 0),
                spinNanoseconds: mayPark ? spinNanoseconds : 0,
                mayPark: mayPark)
            // Idle: another pool thread may pick the service up at once; touch nothing more.
            if received.idle { return .idle }
        } else {
            // The rest of a batch a pool slice left: finish it first.
            received = .init(closed: loop.knownClose, drained: false, finished: false)
        }
        // One counter read per batch for pacing and busy time (``nano_ticks()``, cheaper than
        // the clock); the clock only when metrics record queue waits.
        var batchTicks: UInt64 = 0
        if let waiting = received.tookMessagesWaiting {
            batchTicks = nano_ticks()
            mailbox.pacing.pointee.took(loop.batch.count, at: batchTicks, waiting: waiting)
        } else if countsMessages {
            batchTicks = nano_ticks()
        }
        let batchStart = recordsTimings ? nano_monotonic_ns() : 0
        if !loop.jobs.isEmpty {
            let executor = self.executor
            for job in loop.jobs { executor.run(job) }
            loop.jobs.removeAll(keepingCapacity: true)
            // A job (an `async` method's resumption) may have failed a supervised instance (a
            // throwing `@Cast`, `CurrentService.fail`): drop it before any message is handled,
            // so that the messages held for that method wait for the new instance.
            if instanceFailed { instanceDidFail(&loop) }
        }
        if received.closed != loop.knownClose {
            loop.knownClose = received.closed
            noteStopSeen(loop.knownClose)
            if loop.knownClose == .immediate { cancelAsyncMethods() }
            if loop.awaitingRestart { abandonRestart(&loop) }
        }
        if let supervision { applyRestartCommands(&loop, supervision) }
        if loop.knownClose == .immediate || (loop.instance == nil && !loop.awaitingRestart) {
            reject(&loop.held)
            reject(&loop.batch)
            noteInHand(0)
        } else if loop.awaitingRestart {
            // Keep what is in hand for the new instance.
        } else if !loop.batch.isEmpty || !loop.held.isEmpty {
            if observesMessages { noteInHand(loop.batch.count + loop.held.count) }
            if !loop.held.isEmpty && !isHeldByAsyncMethod {
                handleHeld(&loop.held, on: &loop.instance!, methods: &loop.methods, batchStart: batchStart, budget: &budget)
            }
            if !loop.batch.isEmpty && budget > 0 {
                handle(&loop.batch, on: &loop.instance!, holding: &loop.held, methods: &loop.methods,
                       batchStart: batchStart, budget: &budget)
            }
            // Left in hand: messages held for an `async` method, and the rest of a batch a pool
            // slice did not finish.
            if observesMessages { noteInHand(loop.batch.count + loop.held.count) }
        }
        if countsMessages { statistics.addBusy(ticksFrom: batchTicks, to: nano_ticks()) }
        if instanceFailed { instanceDidFail(&loop) }
        if received.finished {
            loop.instance = nil  // release the instance here, on the service's thread
            return .finished
        }
        return .worked
    }

    /// Handles a batch in order, `budget` messages at most (the rest stays in `batch`); once
    /// an `async` method holds the service, the rest of the batch moves to `held`, in order.
    /// Service thread.
    @inlinable
    func handle(
        _ batch: inout MessageBuffer<Envelope>, on instance: inout Message.Instance,
        holding held: inout MessageBuffer<Envelope>, methods: inout MethodStatisticsCache, batchStart: UInt64,
        budget: inout Int
    ) {
        assertOnServiceThread("handling a message")
        batch.drain { message in
            if isHeldByAsyncMethod {
                held.append(consume message)
                return true
            }
            handleOne(consume message, on: &instance, methods: &methods, batchStart: batchStart)
            budget &-= 1
            return budget > 0 && !instanceFailed
        }
    }

    /// Handles held messages in order until an `async` method holds the service again; the
    /// rest stay held. Call only while no method holds the service. Service thread.
    @inlinable
    func handleHeld(
        _ held: inout MessageBuffer<Envelope>, on instance: inout Message.Instance,
        methods: inout MethodStatisticsCache, batchStart: UInt64, budget: inout Int
    ) {
        held.drain { message in
            handleOne(consume message, on: &instance, methods: &methods, batchStart: batchStart)
            budget &-= 1
            return !isHeldByAsyncMethod && budget > 0 && !instanceFailed
        }
    }

    /// Handles one message: counts it, records its metrics if on, and runs it inside the
    /// sender's `ServiceContext` if it carried one. Service thread.
    @inlinable @inline(__always)
    func handleOne(
        _ envelope: consuming Envelope, on instance: inout Message.Instance,
        methods: inout MethodStatisticsCache, batchStart: UInt64
    ) {
        if countsMessages { statistics.noteTakenFromHand() }
        handleTaken(consume envelope, on: &instance, methods: &methods, batchStart: batchStart)
    }

    /// Handles one message taken from the mailbox (or, for a call run inline, never queued):
    /// rejects it after an immediate stop; else counts it, records its metrics if on, and runs
    /// it inside the sender's `ServiceContext` if it carried one. The thread that holds the
    /// service's run slot.
    @inlinable @inline(__always)
    func handleTaken(
        _ envelope: consuming Envelope, on instance: inout Message.Instance,
        methods: inout MethodStatisticsCache, batchStart: UInt64
    ) {
        if mailbox.isClosedImmediately {
            rejectOne(consume envelope)
            return
        }
        let (message, context, enqueuedAt) = envelope.open()
        countHandled(message._methodName, methods: &methods, enqueuedAt: enqueuedAt, takenAt: batchStart)
        if let context {
            var pending: Message? = consume message
            ServiceContext.withValue(context) { pending.take()!._handle(&instance, _HandlerContext(self)) }
        } else {
            (consume message)._handle(&instance, _HandlerContext(self))
        }
    }

    /// Counts one message of `method` as handled (when statistics are on) and records its queue
    /// wait (when metrics are). For queued messages and direct calls alike. The thread holding
    /// the run slot.
    @inlinable @inline(__always)
    func countHandled(_ method: StaticString, methods: inout MethodStatisticsCache, enqueuedAt: UInt64, takenAt: UInt64) {
        guard observesMessages,
              let metrics = methods.noteHandled(method, counting: countsMessages, in: statistics) else { return }
        metrics.noteHandled(enqueuedAt: enqueuedAt, takenAt: takenAt)
    }

    @inlinable
    func reject(_ batch: inout MessageBuffer<Envelope>) {
        batch.drain { message in
            rejectOne(consume message)
            return true
        }
    }

    @inlinable
    func rejectOne(_ envelope: consuming Envelope) {
        let (message, _, _) = envelope.open()
        let method = message._methodName
        if !(consume message)._reject(stoppedError()) {
            noteDroppedCast(method)
        }
    }

}
