/// Shutting a pool down: stop its services, wait for them, end its threads.
extension ServicePool {
    // MARK: Shutdown

    /// Stops every service on the pool gracefully (each drains its mailbox first), waits for
    /// them to end, then ends the pool's threads and waits for that too. Services placed on
    /// the pool afterwards fail to spawn with ``ServiceError/Code/spawnFailed``. Calling it
    /// again returns once the first call's work is done. Blocks the calling thread.
    ///
    /// - Throws: ``ServiceError/Code/deadlock`` when called from a service on this pool, which
    ///   could never see itself end (nothing is stopped then).
    public func shutdown() throws {
        try beginShutdown()
        drained.wait()
        endThreads()
        threadsEnded.wait()
    }

    /// Like ``shutdown()``, but suspends instead of blocking.
    public func shutdown() async throws {
        try beginShutdown()
        await drained.wait()
        endThreads()
        await threadsEnded.wait()
    }

    /// Whether ``shutdown()`` has begun.
    public var isShutDown: Bool { lock.withLock { state.shuttingDown } }

    func beginShutdown() throws(ServiceError) {
        if _ServiceContext.current?.pool === self {
            throw ServiceError(
                .deadlock, service: name,
                message: "shutdown of pool '\(name)' from one of its own services would wait for itself forever")
        }
        let (first, alreadyEmpty) = lock.withLock { state.beginShutdown() }
        if alreadyEmpty { drained.set() }
        guard first else { return }
        // From here the pool admits no service, and every service it admitted was registered
        // before (a spawn registers, then asks the pool). The registry retains each service it
        // lists, and hands them over retained (under its lock): a pooled service may end on a
        // pool thread and free itself at any moment once unlisted (retaining after an unlock
        // was the heap corruption seen in nano-bench after a case's teardown). A service that
        // has left the registry has ended or is ending, and needs no stop request.
        let live = ServiceRegistry.services(on: self)
        for service in live { service.running.requestStop(.graceful) }
    }

    /// Every service has ended: let the threads go once they find no work.
    func endThreads() {
        let (words, none) = lock.withLock { state.endThreads() }
        if none { threadsEnded.set() }
        for word in words { ThreadParker.unpark(word) }
    }
}
