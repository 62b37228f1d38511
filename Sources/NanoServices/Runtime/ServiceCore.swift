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

    @usableFromInline
    override init(typeName: String, options: ServiceOptions) {
        mailbox = Mailbox(policy: options.mailbox)
        super.init(typeName: typeName, options: options)
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
        } else if _isInsideTask {
            reportBlockingCallFromTask(method)
        }
        defer { caller?.endWaiting() }

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

    // MARK: The service thread

    /// Starts the thread, which creates the instance with `make` and then serves the mailbox.
    /// With `waitForInitializer`, blocks until `make` has returned and rethrows its error.
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
        let status = ServiceThread.start(name: core.threadName, stackSize: options.stackSize) {
            core.run(make: make, initialized: initialized)
        }
        guard status == 0 else {
            core.markStopped()
            throw ServiceError(
                .spawnFailed, service: core.name,
                message: "the system refused to start a thread (error \(status)); too many threads or too little memory")
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
        var instance: Message.Instance
        var batch = MessageBuffer<Envelope>()
        var jobs = ContiguousArray<UnownedJob>()
        do {
            instance = try make()
        } catch {
            if let initialized {
                initialized._fail(error)
            } else {
                logInitializerFailure(error)
            }
            requestStop(.immediate)
            while true {
                let received = mailbox.receive(
                    into: &batch, jobs: &jobs, takeMessages: false, knownClose: .immediate,
                    mayFinish: true, stillHeld: 0, spinNanoseconds: 0)
                reject(&batch)
                if received.finished { return }
                jobs.removeAll()
            }
        }
        initialized?._succeed(())
        markRunning()

        // Messages taken from the mailbox while an `async` method held the service.
        var held = MessageBuffer<Envelope>()
        var knownClose: StopMode? = nil
        var methods = MethodStatisticsCache()
        while true {
            let received = mailbox.receive(
                into: &batch, jobs: &jobs,
                takeMessages: !isHeldByAsyncMethod && held.isEmpty,
                knownClose: knownClose,
                mayFinish: asyncTasksInFlight == 0 && held.isEmpty,
                stillHeld: held.count,
                spinNanoseconds: spinNanoseconds)
            let batchStart = observesMessages ? nano_monotonic_ns() : 0  // busy time and queue wait, per batch
            if !jobs.isEmpty {
                let executor = self.executor
                for job in jobs { executor.run(job) }
                jobs.removeAll(keepingCapacity: true)
            }
            if received.closed != knownClose {
                knownClose = received.closed
                noteStopSeen(knownClose)
                if knownClose == .immediate { cancelAsyncMethods() }
            }
            if knownClose == .immediate {
                reject(&held)
                reject(&batch)
                noteInHand(0)
            } else if !batch.isEmpty || !held.isEmpty {
                if observesMessages { noteInHand(batch.count + held.count) }
                if !held.isEmpty && !isHeldByAsyncMethod {
                    handleHeld(&held, on: &instance, methods: &methods, batchStart: batchStart)
                }
                if !batch.isEmpty { handle(&batch, on: &instance, holding: &held, methods: &methods, batchStart: batchStart) }
                if observesMessages { noteInHand(held.count) }
            }
            if countsMessages { statistics.addBusy(nano_monotonic_ns() &- batchStart) }
            if received.finished { return }
        }
    }

    /// Handles a batch in order; once an `async` method holds the service, the rest of the
    /// batch moves to `held`, in order. Service thread.
    @inlinable
    func handle(
        _ batch: inout MessageBuffer<Envelope>, on instance: inout Message.Instance,
        holding held: inout MessageBuffer<Envelope>, methods: inout MethodStatisticsCache, batchStart: UInt64
    ) {
        batch.drain { message in
            if isHeldByAsyncMethod {
                held.append(consume message)
            } else {
                handleOne(consume message, on: &instance, methods: &methods, batchStart: batchStart)
            }
            return true
        }
    }

    /// Handles held messages in order until an `async` method holds the service again; the
    /// rest stay held. Call only while no method holds the service. Service thread.
    @inlinable
    func handleHeld(
        _ held: inout MessageBuffer<Envelope>, on instance: inout Message.Instance,
        methods: inout MethodStatisticsCache, batchStart: UInt64
    ) {
        held.drain { message in
            handleOne(consume message, on: &instance, methods: &methods, batchStart: batchStart)
            return !isHeldByAsyncMethod
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
                if _ServiceContext.current == nil && _isInsideTask {
                    reportBlockingCallFromTask(message.message._methodName)
                }
                outcome = sendWaitingForRoom(message, deadline: nil)
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
            if let deadline {
                if !ThreadParker.park(word, until: deadline) && !mailbox.withdrawRoomWaiter(word) {
                    ThreadParker.park(word) // woken meanwhile: take the token
                }
            } else {
                ThreadParker.park(word)
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
