import CNanoServicesShims

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
    @usableFromInline let mailbox = Mailbox<Message>()

    @usableFromInline
    override init(typeName: String, options: ServiceOptions) {
        super.init(typeName: typeName, options: options)
    }

    // MARK: Sending

    /// Enqueues a cast; never blocks. A cast to a stopped service is counted and logged.
    @inlinable
    func cast(_ message: consuming Message) {
        if let refused = mailbox.send(consume message) {
            noteDroppedCast(refused._methodName)
        }
    }

    /// Sends a call and blocks the calling thread until the answer (spin, then park).
    @inlinable
    func call<Result>(_ message: consuming Message, _ reply: _Reply<Result>) throws -> sending Result {
        try checkNotOwnThread(operation: "call")
        if mailbox.send(consume message) != nil { throw stoppedError() }
        return try reply.waitBlocking(spinNanoseconds: spinNanoseconds)!
    }

    /// Sends a call and suspends the calling task until the answer. Blocks no thread.
    @inlinable
    func call<Result>(_ message: consuming Message, _ reply: _Reply<Result>) async throws -> sending Result {
        try checkNotOwnThread(operation: "call")
        if mailbox.send(consume message) != nil { throw stoppedError() }
        return try await reply.wait(spinNanoseconds: spinNanoseconds)
    }

    @usableFromInline
    override func requestStop(_ mode: StopMode) {
        if mailbox.close(mode) { markStopping() }
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
        let threadName = String(core.name.utf8.prefix(15)) ?? "nano-service"
        let status = ServiceThread.start(name: threadName, stackSize: options.stackSize) {
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
        serve(make: make, initialized: initialized)
        // The instance has been released (on this thread) by now.
        nano_set_current_service(nil)
        markStopped()
    }

    @inlinable
    func serve(make: () throws -> Message.Instance, initialized: _Reply<Void>?) {
        var instance: Message.Instance
        do {
            instance = try make()
        } catch {
            if let initialized {
                initialized._fail(error)
            } else {
                logInitializerFailure(error)
            }
            requestStop(.immediate)
            var batch = MessageBuffer<Message>()
            _ = mailbox.receive(into: &batch, spinNanoseconds: 0)
            reject(&batch)
            return
        }
        initialized?._succeed(())
        markRunning()

        var batch = MessageBuffer<Message>()
        while true {
            switch mailbox.receive(into: &batch, spinNanoseconds: spinNanoseconds) {
            case .messages:
                batch.drain { message in
                    if mailbox.isClosedImmediately {
                        rejectOne(consume message)
                    } else {
                        (consume message)._handle(&instance, self)
                    }
                    return true
                }
            case .closedImmediately:
                reject(&batch)
                return
            case .closedAndDrained:
                return
            }
        }
    }

    @inlinable
    func reject(_ batch: inout MessageBuffer<Message>) {
        batch.drain { message in
            rejectOne(consume message)
            return true
        }
    }

    @inlinable
    func rejectOne(_ message: consuming Message) {
        let method = message._methodName
        if !(consume message)._reject(stoppedError()) {
            noteDroppedCast(method)
        }
    }
}
