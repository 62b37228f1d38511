/// The service-thread side of supervision: dropping a failed instance, waiting for the
/// supervisor, and running the factory again. Called from the loop
/// (`ServiceCore+ConsumerLoop.swift`) and from `start` (`ServiceCore+Spawn.swift`).
/// Service thread (or pool slice) only.
extension ServiceCore {
    /// Attaches a supervisor's link before the service's thread starts. Spawning thread.
    @usableFromInline
    func attach(_ link: SupervisionLink) {
        occasional.supervision = link  // creates the state and the executor before the thread runs
        link.attach(to: self, executor: executor)
    }

    /// The initializer failed: a supervised service reports it and waits for its supervisor,
    /// keeping its mailbox; returns `false` for an unsupervised one (which stops, as before).
    @usableFromInline
    func startFailedUnderSupervision(_ loop: inout Loop, _ error: any Error) -> Bool {
        guard let supervision else { return false }
        markRunning()
        loop.awaitingRestart = true
        let reason = "the initializer threw \(error)"
        logger.error("service failed", metadata: ["reason": "\(reason)"])
        supervision.report(supervision, .failed(reason))
        return true
    }

    /// The instance failed while handling a message: drop it, and let the supervisor decide.
    @usableFromInline
    func instanceDidFail(_ loop: inout Loop) {
        instanceFailed = false
        guard let supervision, loop.instance != nil else { return }
        let reason = supervision.failureReason ?? "the service reported a failure"
        logger.error("service failed", metadata: ["reason": "\(reason)"])
        dropInstance(&loop, supervision)
        supervision.report(supervision, .failed(reason))
    }

    /// Releases the instance (here, on the service thread) and waits for a rebuild: `async`
    /// methods of the old instance are cancelled (their callers get `restarted` at once), its timers end, and queued messages are kept
    /// (or, with ``Supervisor/QueuedMessages/drop``, failed with `restarted`).
    func dropInstance(_ loop: inout Loop, _ supervision: SupervisionLink) {
        loop.instance = nil
        loop.awaitingRestart = true
        failAsyncCallsForRestart()  // their callers get `restarted` now, not the cancelled method's answer
        cancelAsyncMethods()
        cancelAllTimers()  // queued ticks of the old instance are skipped
        if supervision.dropsQueuedMessages {
            rejectForRestart(&loop.held)
            rejectForRestart(&loop.batch)
            mailbox.takeQueued(into: &loop.batch)
            rejectForRestart(&loop.batch)
        }
    }

    /// A stop arrived while waiting for a rebuild: give up the restart; the loop then fails
    /// what is queued with `stopped`, as for any stopped service.
    @usableFromInline
    func abandonRestart(_ loop: inout Loop) {
        loop.awaitingRestart = false
    }

    /// Applies the supervisors' pending commands, in the order they arrived. Runs after the
    /// step's jobs, which delivered them.
    @usableFromInline
    func applyRestartCommands(_ loop: inout Loop, _ supervision: SupervisionLink) {
        guard !supervision.commands.isEmpty else { return }
        let commands = supervision.commands
        supervision.commands.removeAll()
        for command in commands { apply(command, &loop, supervision) }
    }

    private func apply(_ command: SupervisionLink.Command, _ loop: inout Loop, _ supervision: SupervisionLink) {
        switch command {
        case .takeDown(let reason, let done):
            if loop.instance != nil && loop.knownClose == nil {
                supervision.failureReason = reason
                logger.warning("service taken down to be restarted", metadata: ["reason": "\(reason)"])
                dropInstance(&loop, supervision)
            }
            done.resume()
        case .rebuild(let done):
            guard loop.awaitingRestart else {
                return done.resume(returning: loop.instance == nil ? .ended : .rebuilt)
            }
            let factory = supervision.factory as! @Sendable () throws -> Message.Instance
            supervision.noteRestart()
            do {
                loop.instance = try factory()
                loop.awaitingRestart = false
                supervision.noteRebuilt(self, after: supervision.failureReason)
                supervision.failureReason = nil
                done.resume(returning: .rebuilt)
            } catch {
                let reason = "the initializer threw \(error)"
                logger.error("service failed", metadata: ["reason": "\(reason)"])
                supervision.failureReason = reason
                done.resume(returning: .failed(reason))
            }
        }
    }

    /// Fails every message of `batch` with `restarted` (casts are counted as dropped).
    func rejectForRestart(_ batch: inout MessageBuffer<Envelope>) {
        let error = ServiceError(.restarted, service: self,
                                 message: "the service failed and was restarted; its queued messages were dropped")
        batch.drain { envelope in
            let (message, _, _) = envelope.open()
            let method = message._methodName
            if !(consume message)._reject(error) { noteDroppedCast(method, reason: .restarted) }
            return true
        }
    }
}

extension Mailbox {
    /// Takes every queued message into `batch` (which must be empty), to be dropped on a
    /// restart. Service thread only; one lock round trip.
    func takeQueued(into batch: inout MessageBuffer<Message>) {
        lock.lock()
        state.pointee.takeQueued(into: &batch)
        lock.unlock()
    }
}
