import CNanoServicesShims

/// Starting a service: its own thread, or a first slice on its pool.
extension ServiceCore {
    // MARK: The service thread (or pool slices)

    /// Starts the service: a thread of its own, which creates the instance with `make` and then
    /// serves the mailbox; or, on a pool, a first slice that does the same. With
    /// `waitForInitializer`, blocks until `make` has returned and rethrows its error.
    @inlinable
    static func spawn(
        typeName: String,
        options: ServiceOptions,
        waitForInitializer: Bool,
        supervision: SupervisionLink? = nil,
        make: sending @escaping () throws -> Message.Instance
    ) throws -> ServiceCore {
        try options.validate(typeName: typeName)
        let core = ServiceCore(typeName: typeName, options: options)
        if let supervision { core.attach(supervision) }
        let initialized: _Reply<Void>? = waitForInitializer ? _Reply<Void>() : nil
        ServiceRegistry.register(core)  // leaves in `markStopped`
        if let pool = core.pool {
            do {
                try pool.admit(core)
            } catch {
                core.pooled!.endLoop()
                core.markStopped()
                throw error
            }
            core.pooled!.prepare(make: make, initialized: initialized, keeping: core)
            if supervision == nil && mayRunInline(waiting: waitForInitializer) {
                core.startInline()
            } else {
                pool.schedule(core.mailbox.poolSlot!)
            }
        } else {
            let status = ServiceThread.start(name: core.threadName, stackSize: options.stackSize) {
                core.run(make: make, initialized: initialized)
            }
            guard status == 0 else {
                core.markStopped()
                throw ServiceError(
                    .spawnFailed, service: core,
                    message: "the system refused to start a thread (error \(status)); too many threads or too little memory")
            }
        }
        if let initialized {
            // Park at once: the new thread needs the CPU more than we need a fast wake-up. A
            // pool thread is lent meanwhile: the new service may need it to run its initializer.
            _ = try _ServiceContext.blockingPoolThread { try initialized.waitBlocking(spinNanoseconds: 0) }
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
            if startFailedUnderSupervision(&loop, error) { return }
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

}
