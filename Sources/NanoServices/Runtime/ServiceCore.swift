import CNanoServicesShims
import Instrumentation
import Synchronization

/// A running service: its mailbox and the loop its dedicated thread runs.
///
/// Thread safety: ``cast(_:)``, the `call` methods and ``requestStop(_:)`` may be used from
/// any thread; ``run(make:initialized:)`` runs on the service's own thread, which is the only
/// thread that ever touches the instance.
///
/// Lifetime: referenced by the handles' ``_ServiceRuntime`` and by its own thread while that
/// runs, so the mailbox outlives every sender and the thread outlives no handle longer than
/// it takes to drain.
@usableFromInline
final class ServiceCore<Message: _ServiceMessage>: _ServiceContext, @unchecked Sendable {
    /// A message with the sender's tracing context and send time (see ``MessageEnvelope``).
    @usableFromInline typealias Envelope = MessageEnvelope<Message>
    @usableFromInline let mailbox: Mailbox<Envelope>

    /// Set for a pooled service when it is spawned; see ``PooledLoop``.
    @usableFromInline var pooled: PooledLoop?

    @usableFromInline
    override init(typeName: String, options: ServiceOptions) {
        let slot = options.placement.pool.map(PoolSlot.init(pool:))
        mailbox = Mailbox(policy: options.mailbox, poolSlot: slot)
        super.init(typeName: typeName, options: options)
        slot?.service = self
    }

    // MARK: Sending

    /// Enqueues a cast; never blocks (except on a full mailbox with the `.block` policy).
    /// A cast that cannot be delivered is counted and logged. Carries the sender's
    /// `ServiceContext.current` when there is one.
    @inlinable
    func cast(_ message: consuming Message) {
        let envelope = Envelope(consume message, context: carriesContext ? Envelope.currentContext : nil, enqueuedAt: sendTime)
        let outcome = mailbox.send(consume envelope)
        if case .accepted = outcome { return }
        castNotAccepted(outcome)
    }

    /// Now, when the service records metrics (queue wait, call latency); 0 otherwise.
    @inlinable @inline(__always)
    var sendTime: UInt64 { recordsTimings ? nano_monotonic_ns() : 0 }

    /// Sends a call and blocks the calling thread until the answer; counts and logs this
    /// service's failures and, with metrics on, records the call's latency.
    ///
    /// - Parameter timeoutNanoseconds: this call's limit, or `nil` for the service's default.
    @inlinable
    func call<Result>(
        _ message: consuming Message, _ reply: _Reply<Result>, timeoutNanoseconds: Int64?
    ) throws -> sending Result {
        let method = message._methodName
        let start = sendTime
        do {
            let value = try callBlocking(consume message, reply, start: start, timeoutNanoseconds: timeoutNanoseconds)
            if start != 0 { recordCallDuration(method, since: start) }
            return value
        } catch {
            if start != 0 { recordCallDuration(method, since: start) }
            noteCallFailed(error, method: method)
            throw error
        }
    }

    /// Sends a call and suspends the calling task until the answer; counts and logs like the
    /// blocking `call`. Blocks no thread.
    @inlinable
    func call<Result>(
        _ message: consuming Message, _ reply: _Reply<Result>, timeoutNanoseconds: Int64?
    ) async throws -> sending Result {
        let method = message._methodName
        let start = sendTime
        do {
            let value = try await callSuspending(consume message, reply, start: start, timeoutNanoseconds: timeoutNanoseconds)
            if start != 0 { recordCallDuration(method, since: start) }
            return value
        } catch {
            if start != 0 { recordCallDuration(method, since: start) }
            noteCallFailed(error, method: method)
            throw error
        }
    }

    /// Sends a call and blocks the calling thread until the answer (spin, then park).
    @inlinable
    func callBlocking<Result>(
        _ message: consuming Message, _ reply: _Reply<Result>, start: UInt64, timeoutNanoseconds: Int64?
    ) throws -> sending Result {
        let method = message._methodName
        let caller = _ServiceContext.current
        if let caller {
            if caller === self { throw selfWaitError("call") }
            try caller.beginWaiting(on: self, method: method)
            caller.pool?.willBlock()  // a pooled caller's thread is lent to the others meanwhile
        } else if _isInsideTask {
            reportBlockingCallFromTask(method)
        }
        defer {
            if let caller {
                caller.endWaiting()
                caller.pool?.didUnblock()
            }
        }

        let timeout = timeoutNanoseconds ?? callTimeoutNanoseconds
        let deadline = timeout.map { nano_monotonic_ns() &+ UInt64(max($0, 0)) }
        let envelope = Envelope(consume message, context: carriesContext ? Envelope.currentContext : nil, enqueuedAt: start)
        let outcome = mailbox.send(consume envelope)
        if case .accepted = outcome {} else {
            try callNotAccepted(outcome, method: method, deadline: deadline, timeout: timeout ?? 0)
        }
        let spin = mailbox.consumerSharesCallersCPU ? 0 : spinNanoseconds
        guard let value = try reply.waitBlocking(spinNanoseconds: spin, deadline: deadline) else {
            throw timeoutError(method, after: timeout ?? 0)
        }
        return value
    }

    /// Sends a call and suspends the calling task until the answer. Blocks no thread.
    @inlinable
    func callSuspending<Result>(
        _ message: consuming Message, _ reply: _Reply<Result>, start: UInt64, timeoutNanoseconds: Int64?
    ) async throws -> sending Result {
        let method = message._methodName
        // On a service thread, this task is an `async` method of that service (or a task it
        // started). A method that holds its service waits on the target like a blocking call.
        let caller = _ServiceContext.current
        var callerWaits = false
        if let caller {
            if caller === self {
                if !isInReentrantMethod { throw selfWaitError("call") }
            } else if caller.isInHoldingMethod {
                try caller.beginWaiting(on: self, method: method)
                callerWaits = true
            }
        }
        defer { if callerWaits { caller?.endWaiting() } }
        let timeout = timeoutNanoseconds ?? callTimeoutNanoseconds
        let envelope = Envelope(consume message, context: carriesContext ? Envelope.currentContext : nil, enqueuedAt: start)
        let outcome = mailbox.send(consume envelope)
        if case .accepted = outcome {} else {
            try await callNotAccepted(outcome, method: method)
        }
        do {
            let spin = mailbox.consumerSharesCallersCPU ? 0 : spinNanoseconds
            return try await reply.wait(spinNanoseconds: spin, timeoutNanoseconds: timeout)
        } catch is _Reply<Result>.TimedOut {
            throw timeoutError(method, after: timeout ?? 0)
        }
    }

    /// Whether the calling synchronous code runs inside a Swift concurrency task.
    @inlinable
    var _isInsideTask: Bool {
        withUnsafeCurrentTask { $0 != nil }
    }

    @usableFromInline
    override func requestStop(_ mode: StopMode) {
        if mailbox.close(mode) { markStopping() }
    }

    override func enqueueJob(_ job: UnownedJob) -> Bool {
        mailbox.sendJob(job)
    }

    @usableFromInline
    override var isStoppingImmediately: Bool { mailbox.isClosedImmediately }

    override var queuedMessageCount: Int {
        // A bounded mailbox counts the batch in hand itself; an unbounded one does not.
        mailbox.capacity == Int.max ? mailbox.depth + statistics.inHand : mailbox.depth
    }

    // MARK: The service thread (or pool slices)

    /// Starts the service: a thread of its own, which creates the instance with `make` and then
    /// serves the mailbox; or, on a pool, a first slice that does the same. With
    /// `waitForInitializer`, blocks until `make` has returned and rethrows its error.
    @inlinable
    static func spawn(
        typeName: String,
        options: ServiceOptions,
        waitForInitializer: Bool,
        make: sending @escaping () throws -> Message.Instance
    ) throws -> ServiceCore {
        let core = ServiceCore(typeName: typeName, options: options)
        let initialized: _Reply<Void>? = waitForInitializer ? _Reply<Void>() : nil
        ServiceRegistry.register(core)  // leaves in `markStopped`
        if let pool = core.pool {
            do {
                try pool.admit(core)
            } catch {
                core.markStopped()
                throw error
            }
            core.pooled = PooledLoop(make: make, initialized: initialized, keeping: core)
            pool.schedule(core)
        } else {
            let status = ServiceThread.start(name: core.threadName, stackSize: options.stackSize) {
                core.run(make: make, initialized: initialized)
            }
            guard status == 0 else {
                core.markStopped()
                throw ServiceError(
                    .spawnFailed, service: core.name,
                    message: "the system refused to start a thread (error \(status)); too many threads or too little memory")
            }
        }
        if let initialized {
            // Park at once: the new thread needs the CPU more than we need a fast wake-up.
            _ = try initialized.waitBlocking(spinNanoseconds: 0)
        }
        return core
    }

    /// The service thread's whole life. Service thread only.
    @inlinable
    func run(make: () throws -> Message.Instance, initialized: _Reply<Void>?) {
        nano_set_current_service(Unmanaged.passUnretained(self).toOpaque())
        noteThreadStarted()
        serve(make: make, initialized: initialized)
        // The instance has been released (on this thread) by now.
        nano_set_current_service(nil)
        markStopped()
    }

    @inlinable
    func serve(make: () throws -> Message.Instance, initialized: _Reply<Void>?) {
        var loop = Loop()
        start(&loop, make: make, initialized: initialized)
        var unlimited = Int.max
        while step(&loop, mayPark: true, budget: &unlimited) != .finished {}
    }

    /// Creates the instance; if `make` throws, reports it and stops at once (the loop then
    /// rejects whatever arrives and finishes). Service thread (or pool slice).
    @inlinable
    func start(_ loop: inout Loop, make: () throws -> Message.Instance, initialized: _Reply<Void>?) {
        do {
            loop.instance = try make()
        } catch {
            if let initialized {
                initialized._fail(error)
            } else {
                logInitializerFailure(error)
            }
            requestStop(.immediate)
            return
        }
        initialized?._succeed(())
        markRunning()
    }

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
        if loop.batch.isEmpty {
            received = mailbox.receive(
                into: &loop.batch, jobs: &loop.jobs,
                takeMessages: !isHeldByAsyncMethod && loop.held.isEmpty,
                knownClose: loop.knownClose,
                mayFinish: asyncTasksInFlight == 0 && loop.held.isEmpty,
                stillHeld: loop.held.count,
                spinNanoseconds: mayPark ? spinNanoseconds : 0,
                mayPark: mayPark)
            // Idle: another pool thread may pick the service up at once; touch nothing more.
            if received.idle { return .idle }
        } else {
            // The rest of a batch a pool slice left: finish it first.
            received = .init(closed: loop.knownClose, drained: false, finished: false)
        }
        // One clock read per batch: for pacing, busy time and queue wait.
        var batchStart: UInt64 = 0
        if let waiting = received.tookMessagesWaiting {
            batchStart = nano_monotonic_ns()
            mailbox.pacing.pointee.took(loop.batch.count, at: batchStart, waiting: waiting)
        } else if observesMessages {
            batchStart = nano_monotonic_ns()
        }
        if !loop.jobs.isEmpty {
            let executor = self.executor
            for job in loop.jobs { executor.run(job) }
            loop.jobs.removeAll(keepingCapacity: true)
        }
        if received.closed != loop.knownClose {
            loop.knownClose = received.closed
            noteStopSeen(loop.knownClose)
            if loop.knownClose == .immediate { cancelAsyncMethods() }
        }
        if loop.knownClose == .immediate || loop.instance == nil {
            reject(&loop.held)
            reject(&loop.batch)
            noteInHand(0)
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
        if countsMessages { statistics.addBusy(nano_monotonic_ns() &- batchStart) }
        if received.finished {
            loop.instance = nil  // release the instance here, on the service's thread
            return .finished
        }
        return .worked
    }

    /// Runs a slice of this pooled service on the calling pool thread: the first one creates
    /// the instance; each handles what is waiting, up to ``PooledLoop/messagesPerSlice``
    /// messages, so that one busy service cannot keep a pool thread from the others.
    /// Pool thread.
    override func runSlice(threadID: Int64) -> SliceOutcome {
        let pooled = self.pooled!
        nano_set_current_service(Unmanaged.passUnretained(self).toOpaque())
        statistics.threadID.store(threadID, ordering: .relaxed)
        if let make = pooled.make {
            pooled.make = nil
            start(&pooled.loop.pointee, make: make, initialized: pooled.initialized)
            pooled.initialized = nil
        }
        var outcome = StepOutcome.worked
        var budget = PooledLoop.messagesPerSlice
        while budget > 0 {
            outcome = step(&pooled.loop.pointee, mayPark: false, budget: &budget)
            if outcome != .worked { break }
        }
        nano_set_current_service(nil)
        switch outcome {
        case .worked:
            return .again
        case .idle:
            return .done
        case .finished:
            markStopped()
            pool?.serviceEnded(self)
            pooled.release()  // may free this service: nothing after this line
            return .done
        }
    }

    /// Where a pooled service keeps what its thread's stack would hold: the loop's state, and
    /// the initializer until the first slice runs. Touched by one pool thread at a time (the
    /// mailbox's parked flag and the pool's queue hand it from one to the next).
    @usableFromInline
    final class PooledLoop: @unchecked Sendable {
        /// How many messages a slice handles at most before the service yields its pool
        /// thread to the next service with work.
        static var messagesPerSlice: Int { 256 }

        let loop: UnsafeMutablePointer<Loop>
        var make: (() throws -> Message.Instance)?
        var initialized: _Reply<Void>?
        /// The service keeps itself alive until its last slice (a pool queues it unretained).
        private var keepAlive: ServiceCore?

        @usableFromInline
        init(make: sending @escaping () throws -> Message.Instance, initialized: _Reply<Void>?, keeping core: ServiceCore) {
            loop = .allocate(capacity: 1)
            loop.initialize(to: Loop())
            self.make = make
            self.initialized = initialized
            keepAlive = core
        }

        deinit {
            loop.deinitialize(count: 1)
            loop.deallocate()
        }

        /// The service has ended: let it go.
        func release() { keepAlive = nil }
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
        batch.drain { message in
            if isHeldByAsyncMethod {
                held.append(consume message)
                return true
            }
            handleOne(consume message, on: &instance, methods: &methods, batchStart: batchStart)
            budget &-= 1
            return budget > 0
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
            return !isHeldByAsyncMethod && budget > 0
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
        if mailbox.isClosedImmediately {
            rejectOne(consume envelope)
            return
        }
        let (message, context, enqueuedAt) = envelope.open()
        if observesMessages, let metrics = methods.noteHandled(message._methodName, counting: countsMessages, in: statistics) {
            metrics.noteHandled(enqueuedAt: enqueuedAt, takenAt: batchStart)
        }
        if let context {
            var pending: Message? = consume message
            ServiceContext.withValue(context) { pending.take()!._handle(&instance, self) }
        } else {
            (consume message)._handle(&instance, self)
        }
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

    // MARK: Mailbox slow paths (closed, full, evicting)

    /// A cast was not simply accepted: count a drop, reject an evicted message, or wait for room.
    @usableFromInline
    func castNotAccepted(_ outcome: consuming Mailbox<Envelope>.SendOutcome) {
        var outcome = outcome
        while true {
            switch consume outcome {
            case .accepted:
                return
            case .acceptedEvicting(let evicted):
                rejectEvicted(evicted)
                return
            case .closed(let message):
                noteDroppedCast(message.message._methodName)
                return
            case .full(let message):
                guard whenFull == .block else {
                    noteDroppedCast(message.message._methodName, reason: .mailboxFull)
                    return
                }
                let method = message.message._methodName
                guard let caller = _ServiceContext.current else {
                    if _isInsideTask { reportBlockingCallFromTask(method) }
                    outcome = sendWaitingForRoom(message, deadline: nil)
                    continue
                }
                // A service waiting for room takes part in deadlock detection, like a call.
                // If waiting would never end (this service, or one it waits on, is the one
                // that must make room), the cast is accepted over capacity instead: neither a
                // hang nor a lost message.
                do {
                    try caller.beginWaiting(on: self, method: method)
                } catch {
                    noteAcceptedOverCapacity(method, error: error)
                    outcome = mailbox.send(message, overCapacity: true)
                    continue
                }
                outcome = sendWaitingForRoom(message, deadline: nil)
                caller.endWaiting()
            }
        }
    }

    /// A blocking call was not simply accepted: throw, reject an evicted message, or wait for
    /// room until `deadline`.
    @usableFromInline
    func callNotAccepted(
        _ outcome: consuming Mailbox<Envelope>.SendOutcome, method: StaticString, deadline: UInt64?, timeout: Int64
    ) throws {
        var outcome = outcome
        while true {
            switch consume outcome {
            case .accepted:
                return
            case .acceptedEvicting(let evicted):
                rejectEvicted(evicted)
                return
            case .closed:
                throw stoppedError()
            case .full(let message):
                guard whenFull == .block else { throw mailboxFullError(method) }
                if let deadline, nano_monotonic_ns() >= deadline { throw timeoutError(method, after: timeout) }
                outcome = sendWaitingForRoom(message, deadline: deadline)
            }
        }
    }

    /// An async call was not simply accepted: throw, reject an evicted message, or suspend
    /// until there may be room.
    @usableFromInline
    func callNotAccepted(_ outcome: consuming Mailbox<Envelope>.SendOutcome, method: StaticString) async throws {
        var outcome = outcome
        while true {
            switch consume outcome {
            case .accepted:
                return
            case .acceptedEvicting(let evicted):
                rejectEvicted(evicted)
                return
            case .closed:
                throw stoppedError()
            case .full(let message):
                guard whenFull == .block else { throw mailboxFullError(method) }
                nonisolated(unsafe) var pending: Envelope? = message
                nonisolated(unsafe) var next: Mailbox<Envelope>.SendOutcome? = nil
                await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                    let attempt = mailbox.send(pending.take()!, ifFull: .task(continuation))
                    if case .full = attempt {} else { continuation.resume() }
                    next = attempt
                }
                // Accepted, closed, or woken because there may be room: the loop looks again.
                outcome = next.take()!
            }
        }
    }

    /// Registers this thread as waiting for room, parks until woken (or `deadline`), then
    /// sends again. Returns the outcome of the last attempt.
    func sendWaitingForRoom(_ message: consuming Envelope, deadline: UInt64?) -> Mailbox<Envelope>.SendOutcome {
        let word = ThreadParker.current
        switch mailbox.send(consume message, ifFull: .thread(word)) {
        case .full(let message):
            _ServiceContext.blockingPoolThread {
                if let deadline {
                    if !ThreadParker.park(word, until: deadline) && !mailbox.withdrawRoomWaiter(word) {
                        ThreadParker.park(word) // woken meanwhile: take the token
                    }
                } else {
                    ThreadParker.park(word)
                }
            }
            return mailbox.send(consume message)
        case .accepted:
            return .accepted
        case .acceptedEvicting(let evicted):
            return .acceptedEvicting(evicted)
        case .closed(let message):
            return .closed(message)
        }
    }

    @usableFromInline
    func rejectEvicted(_ envelope: consuming Envelope) {
        let (message, _, _) = envelope.open()
        let method = message._methodName
        if !(consume message)._reject(evictedError(method)) {
            noteDroppedCast(method, reason: .evicted)
        }
    }
}
