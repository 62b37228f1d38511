import CNanoServicesShims

/// The sending side's slow paths: a mailbox that is closed, full, or evicting.
extension ServiceCore {
    // MARK: Mailbox slow paths (closed, full, evicting)

    /// What a sender whose message was not simply accepted does next: the part the three
    /// slow paths (cast, blocking call, `async` call) share.
    @usableFromInline
    enum NotAccepted {
        /// Accepted after all (an evicted message, if any, has been rejected).
        case done
        /// The mailbox is closed: the message comes back.
        case closed(Envelope)
        /// The mailbox is full and its policy is not to wait (`.fail`, `.dropNewest`, or
        /// `.dropOldest` with nothing to evict).
        case refused(Envelope)
        /// The mailbox is full and its policy is `.block`.
        case mustWaitForRoom(Envelope)
    }

    /// Sorts a send's outcome into what the sender does next; rejects an evicted message.
    @usableFromInline
    func settle(_ outcome: consuming Mailbox<Envelope>.SendOutcome) -> NotAccepted {
        switch consume outcome {
        case .accepted:
            return .done
        case .acceptedEvicting(let evicted):
            rejectEvicted(evicted)
            return .done
        case .closed(let message):
            return .closed(message)
        case .full(let message):
            return whenFull == .block ? .mustWaitForRoom(message) : .refused(message)
        }
    }

    /// A cast was not simply accepted: count a drop, reject an evicted message, or wait for room.
    @usableFromInline
    func castNotAccepted(_ outcome: consuming Mailbox<Envelope>.SendOutcome) {
        var outcome = consume outcome
        while true {
            switch settle(consume outcome) {
            case .done:
                return
            case .closed(let message):
                noteDroppedCast(message.message._methodName)
                return
            case .refused(let message):
                noteDroppedCast(message.message._methodName, reason: .mailboxFull)
                return
            case .mustWaitForRoom(let message):
                let method = message.message._methodName
                guard let caller = _ServiceContext.current else {
                    var watch: CooperativePoolGuard.Watch? = nil
                    let counted = Self.isInsideTask && blockingWaitFromTaskBegins(method, isCast: true, watch: &watch)
                    var gaveUp = false
                    let next = sendWaitingForRoom(consume message, deadline: nil, watch: &watch, gaveUp: &gaveUp)
                    if counted { CooperativePoolGuard.exit() }
                    guard gaveUp, case .full(let message) = next else {
                        outcome = next
                        continue
                    }
                    // Waiting on would keep the whole cooperative pool blocked: neither a hang
                    // nor a lost message, the cast goes in over capacity.
                    noteAcceptedOverCapacity(method, error: CooperativePoolGuard.exhaustedError(self, operation: "cast '\(method)'"))
                    outcome = mailbox.send(consume message, overCapacity: true)
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
                    outcome = mailbox.send(consume message, overCapacity: true)
                    continue
                }
                var noWatch: CooperativePoolGuard.Watch? = nil
                var gaveUp = false
                outcome = sendWaitingForRoom(consume message, deadline: nil, watch: &noWatch, gaveUp: &gaveUp)
                caller.endWaiting()
            }
        }
    }

    /// For a call whose message was not simply accepted: `nil` once it is accepted after all,
    /// the message back when it must wait for room; throws `stopped` or `mailboxFull`.
    @usableFromInline
    func messageThatMustWait(_ outcome: consuming Mailbox<Envelope>.SendOutcome, method: StaticString) throws -> Envelope? {
        switch settle(consume outcome) {
        case .done: return nil
        case .closed: throw stoppedError()
        case .refused: throw mailboxFullError(method)
        case .mustWaitForRoom(let message): return message
        }
    }

    /// A blocking call was not simply accepted: throw, reject an evicted message, or wait for
    /// room until `deadline`.
    @usableFromInline
    func callNotAccepted(
        _ outcome: consuming Mailbox<Envelope>.SendOutcome, method: StaticString, deadline: UInt64?, timeout: Int64,
        watch: inout CooperativePoolGuard.Watch?
    ) throws {
        var outcome = consume outcome
        while let message = try messageThatMustWait(consume outcome, method: method) {
            if let deadline, nano_monotonic_ns() >= deadline { throw timeoutError(method, after: timeout) }
            var gaveUp = false
            outcome = sendWaitingForRoom(consume message, deadline: deadline, watch: &watch, gaveUp: &gaveUp)
            // Gave up (see CooperativePoolGuard): the message is dropped, never delivered.
            if gaveUp { throw CooperativePoolGuard.exhaustedError(self, operation: "blocking call '\(method)'") }
        }
    }

    /// An async call was not simply accepted: throw, reject an evicted message, or suspend
    /// until there may be room — giving up, without delivering the message, when `deadline`
    /// passes (``ServiceError/Code/timeout``) or the calling task is cancelled
    /// (`CancellationError`). Calling task; blocks no thread.
    @usableFromInline
    func callNotAccepted(
        _ outcome: consuming Mailbox<Envelope>.SendOutcome, method: StaticString, deadline: UInt64?, timeout: Int64
    ) async throws {
        var outcome = consume outcome
        while let message = try messageThatMustWait(consume outcome, method: method) {
            try Task.checkCancellation()
            if let deadline, nano_monotonic_ns() >= deadline { throw timeoutError(method, after: timeout) }
            outcome = try await sendSuspendingForRoom(consume message, method: method, deadline: deadline, timeout: timeout)
        }
    }

    /// Registers the calling task as waiting for room, suspends until woken, `deadline` or
    /// cancellation, and returns the outcome of the last send. A wait that gave up while the
    /// mailbox was still full throws, and the message is dropped here, never delivered.
    private func sendSuspendingForRoom(
        _ message: consuming Envelope, method: StaticString, deadline: UInt64?, timeout: Int64
    ) async throws -> Mailbox<Envelope>.SendOutcome {
        let wait = RoomWait()
        let now = nano_monotonic_ns()
        let timer = deadline.map { TimeoutScheduler.shared.schedule(wait, after: Int64(truncatingIfNeeded: $0 &- now)) }
        defer { if let timer { TimeoutScheduler.shared.cancel(timer) } }
        // Sound: `pending` and `next` are only touched inside `suspend`'s registration, which
        // runs before the task resumes, and after the resumption, on this task.
        nonisolated(unsafe) var pending: Envelope? = consume message
        nonisolated(unsafe) var next: Mailbox<Envelope>.SendOutcome? = nil
        await withTaskCancellationHandler {
            await wait.suspend {
                let attempt = mailbox.send(pending.take()!, ifFull: .task(wait))
                if case .full = attempt {} else { wait.wake() }
                next = attempt
            }
        } onCancel: {
            wait.cancel()
        }
        guard let attempt = next.take() else {
            // Ended before it was registered: the message is still ours, never sent.
            try Task.checkCancellation()
            throw timeoutError(method, after: timeout)
        }
        // Accepted or closed before giving up counts; a wait that gave up while full does not.
        guard case .full = attempt, let gaveUp = wait.outcome, gaveUp != .mayHaveRoom else { return attempt }
        mailbox.withdrawRoomWaiter(wait)
        if gaveUp == .cancelled { throw CancellationError() }
        throw timeoutError(method, after: timeout)
    }

    /// Registers this thread as waiting for room, parks until woken (or `deadline`), then
    /// sends again. Returns the outcome of the last attempt. A pooled caller lends its pool
    /// thread while it waits. With a `watch` (see ``CooperativePoolGuard``), the wait may give
    /// up: then `gaveUp` is set and the message comes back unsent, as `.full`.
    func sendWaitingForRoom(
        _ message: consuming Envelope, deadline: UInt64?, watch: inout CooperativePoolGuard.Watch?, gaveUp: inout Bool
    ) -> Mailbox<Envelope>.SendOutcome {
        let word = ThreadParker.current
        switch mailbox.send(consume message, ifFull: .thread(word)) {
        case .full(let message):
            gaveUp = _ServiceContext.blockingPoolThread { parkForRoom(word, deadline: deadline, watch: &watch) }
            if gaveUp { return .full(message) }
            return mailbox.send(consume message)
        case .accepted:
            return .accepted
        case .acceptedEvicting(let evicted):
            return .acceptedEvicting(evicted)
        case .closed(let message):
            return .closed(message)
        }
    }

    /// Parks on `word`, registered as a room waiter, until woken or `deadline`; a watched wait
    /// looks every 100 ms whether to give up. Returns `true` if it gave up (and withdrew).
    private func parkForRoom(
        _ word: UnsafeMutablePointer<UInt32>, deadline: UInt64?, watch: inout CooperativePoolGuard.Watch?
    ) -> Bool {
        while true {
            var sliceEnd = deadline ?? .max
            if watch != nil { sliceEnd = min(sliceEnd, nano_monotonic_ns() &+ CooperativePoolGuard.lookIntervalNanoseconds) }
            if sliceEnd == .max {
                ThreadParker.park(word)
                return false
            }
            if ThreadParker.park(word, until: sliceEnd) { return false }
            let timedOut = deadline.map { nano_monotonic_ns() >= $0 } ?? false
            let givingUp = !timedOut && watch != nil && CooperativePoolGuard.shouldGiveUp(&watch!, target: self)
            guard timedOut || givingUp else { continue }
            if !mailbox.withdrawRoomWaiter(word) {
                ThreadParker.park(word)  // woken meanwhile: take the token, then send again
                return false
            }
            return givingUp
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
