import CNanoServicesShims
import Instrumentation

/// The sending side of a service: casts and calls, from any thread or task.
extension ServiceCore {
    // MARK: Sending

    /// Enqueues a cast; never blocks (except on a full mailbox with the `.block` policy).
    /// A cast that cannot be delivered is counted and logged. Carries the sender's
    /// `ServiceContext.current` when there is one.
    @inlinable
    func cast(_ message: consuming Message) {
        let envelope = Envelope(consume message, context: carriesContext ? Envelope.currentContext : nil, enqueuedAt: sendTime)
        let outcome = mailbox.send(consume envelope)
        if case .accepted = outcome { return }
        castNotAccepted(consume outcome)
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
        let (method, start) = (message._methodName, sendTime)
        defer { if start != 0 { recordCallDuration(method, since: start) } }
        do { return try callBlocking(consume message, reply, start: start, timeoutNanoseconds: timeoutNanoseconds) }
        catch { noteCallFailed(error, method: method); throw error }
    }

    /// Sends a call and suspends the calling task until the answer; counts and logs like the
    /// blocking `call`. Blocks no thread.
    @inlinable
    func call<Result>(
        _ message: consuming Message, _ reply: _Reply<Result>, timeoutNanoseconds: Int64?
    ) async throws -> sending Result {
        let (method, start) = (message._methodName, sendTime)
        defer { if start != 0 { recordCallDuration(method, since: start) } }
        do { return try await callSuspending(consume message, reply, start: start, timeoutNanoseconds: timeoutNanoseconds) }
        catch { noteCallFailed(error, method: method); throw error }
    }

    /// Sends a call and blocks the calling thread until the answer (spin, then park).
    @inlinable
    func callBlocking<Result>(
        _ message: consuming Message, _ reply: _Reply<Result>, start: UInt64, timeoutNanoseconds: Int64?
    ) throws -> sending Result {
        let method = message._methodName
        let caller = _ServiceContext.current
        var watch: CooperativePoolGuard.Watch? = nil
        var countedByGuard = false
        if let caller {
            if caller === self { throw selfWaitError("call") }
            try caller.beginWaiting(on: self, method: method)
        } else if Self.isInsideTask {
            countedByGuard = blockingWaitFromTaskBegins(method, isCast: false, watch: &watch)
        }
        defer {
            caller?.endWaiting()
            if countedByGuard { CooperativePoolGuard.exit() }
        }

        let timeout = timeoutNanoseconds ?? callTimeoutNanoseconds
        // Fixed here only if the mailbox is full; else counted from when the wait starts.
        var deadline: UInt64? = nil
        let envelope = Envelope(consume message, context: carriesContext ? Envelope.currentContext : nil, enqueuedAt: start)
        // An idle pooled service runs the call here (see ServiceCore+InlineCall.swift), unless
        // the call has a time limit (it must be able to give up) or this is a cooperative
        // thread (a pooled method may block, and must not do so on Swift's small pool).
        if timeout == nil && !countedByGuard && claimForInlineCall() {
            handleInline(consume envelope)
            if reply.isReady { return try reply.takeResult() }  // else an `async` method: wait below
        } else {
            let outcome = mailbox.send(consume envelope)
            if case .accepted = outcome {} else {
                deadline = timeout.map { nano_monotonic_ns() &+ UInt64(max($0, 0)) }
                try callNotAccepted(consume outcome, method: method, deadline: deadline, timeout: timeout ?? 0, watch: &watch)
            }
        }
        let limit = WaitLimit(timeout: timeout, deadline: deadline)
        guard let value = try waitForAnswer(reply, caller: caller, limit: limit, watch: &watch, method: method) else {
            throw timeoutError(method, after: timeout ?? 0)
        }
        return value
    }

    /// Blocks the calling thread until `reply` is answered (`nil` when `limit` runs out). A pooled
    /// caller lends its pool thread meanwhile; a watched wait (see ``CooperativePoolGuard``)
    /// may give up.
    @inlinable
    func waitForAnswer<Result>(
        _ reply: _Reply<Result>, caller: _ServiceContext?, limit: WaitLimit,
        watch: inout CooperativePoolGuard.Watch?, method: StaticString
    ) throws -> sending Result? {
        if watch != nil { return try waitWatched(reply, deadline: limit.deadlineFromNow, watch: &watch, method: method) }
        let spin = mailbox.consumerSharesCallersCPU ? 0 : spinNanoseconds
        guard caller != nil, let pool = PoolThread.currentPool else {
            return try reply.waitBlocking(spinNanoseconds: spin, limit: limit)
        }
        pool.willBlock()  // a pool thread is lent to the others meanwhile
        defer { pool.didUnblock() }
        return try reply.waitBlocking(spinNanoseconds: spin, limit: limit)
    }

    /// The wait that took the last free cooperative thread: looks every 100 ms whether to give
    /// up (see ``CooperativePoolGuard``). Calling thread; rare.
    @usableFromInline
    func waitWatched<Result>(
        _ reply: _Reply<Result>, deadline: UInt64?, watch: inout CooperativePoolGuard.Watch?, method: StaticString
    ) throws -> sending Result? {
        do {
            return try reply.waitBlocking(deadline: deadline, lookingEvery: CooperativePoolGuard.lookIntervalNanoseconds) {
                CooperativePoolGuard.shouldGiveUp(&watch!, target: self)
            }
        } catch is _Reply<Result>.GaveUp {
            throw CooperativePoolGuard.exhaustedError(self, operation: "blocking call '\(method)'")
        }
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
        var timeout = timeoutNanoseconds ?? callTimeoutNanoseconds
        let envelope = Envelope(consume message, context: carriesContext ? Envelope.currentContext : nil, enqueuedAt: start)
        // An idle pooled service runs the call on this thread (see ServiceCore+InlineCall.swift)
        // when the caller is an `async` method that holds its service (its thread would run
        // nothing else meanwhile). Not from a plain task: a pooled method may block, and must
        // not do so on a thread of Swift's small cooperative pool. Not with a time limit.
        if timeout == nil && callerWaits && claimForInlineCall() {
            handleInline(consume envelope)
            if reply.isReady { return try reply.takeResult() }  // else an `async` method: wait below
            return try await reply.wait(spinNanoseconds: 0)
        }
        let outcome = mailbox.send(consume envelope)
        if case .accepted = outcome {} else {
            let began = nano_monotonic_ns()
            let deadline = timeout.map { began &+ UInt64(max($0, 0)) }
            try await callNotAccepted(consume outcome, method: method, deadline: deadline, timeout: timeout ?? 0)
            // The wait for room used part of the time limit: the answer gets the rest.
            if let limit = timeout { timeout = max(limit &- Int64(truncatingIfNeeded: nano_monotonic_ns() &- began), 0) }
        }
        do {
            let spin = mailbox.consumerSharesCallersCPU ? 0 : spinNanoseconds
            return try await reply.wait(spinNanoseconds: spin, timeoutNanoseconds: timeout)
        } catch is _Reply<Result>.TimedOut {
            throw timeoutError(method, after: timeoutNanoseconds ?? callTimeoutNanoseconds ?? 0)
        }
    }

    /// Whether the calling synchronous code runs inside a Swift concurrency task. One
    /// thread-local read: `withUnsafeCurrentTask` is not inlinable and cost a generic closure
    /// call plus a metadata lookup (≈30 ns, a twentieth of an inline call; `perf` of
    /// `nano-bench --filter idle-request`) on every blocking call from a plain thread.
    @inlinable
    static var isInsideTask: Bool {
        nano_inside_task()
    }
}
