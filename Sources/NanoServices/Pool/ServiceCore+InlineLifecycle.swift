import CNanoServicesShims

/// The start and the end of a pooled service run on the calling thread, as an actor's `init`
/// and `deinit` do, instead of waking a pool thread for each:
///
/// * **Spawning** runs the initializer on the spawning thread, then parks the service (it
///   has no thread to keep). A call made right after finds it idle and runs inline too.
/// * **A stop request** (``ServiceControl/requestStop(_:)``, `stop()`, the last handle
///   released) that finds the service parked with nothing queued ends it on the calling
///   thread: the instance is released there, and `join()` returns at once.
///
/// Both take the service's run slot exactly as a pool thread would (the mailbox hands it to
/// one thread at a time), so nothing else changes: one method at a time, mailbox order, the
/// same states and errors. A service that is busy, has messages queued or is held by an
/// `async` method is ended by its pool as before.
///
/// Only from threads that may block and belong to no service (``mayRunInline(waiting:)``).
extension ServiceCore {
    /// Whether the calling thread may run a pooled service's initializer or its end. Not a
    /// service's thread: that service would be blocked meanwhile without being recorded as
    /// waiting, so a call back to it could not be told from a deadlock. Not a Swift
    /// concurrency thread (an initializer or a `deinit` may block, and must not do so on the
    /// small cooperative pool) — unless the caller is `waiting` for the initializer anyway.
    /// One or two thread-local reads.
    @inlinable
    static func mayRunInline(waiting: Bool) -> Bool {
        nano_current_service() == nil && (waiting || !isInsideTask)
    }

    /// Creates the instance on the calling thread (or records the initializer's failure as
    /// the first slice would), then parks the service — or schedules it if work arrived
    /// meanwhile: the initializer sent it a message, started a timer, or failed and stopped
    /// it. Right after spawning, before any slice: the caller holds the run slot (a new
    /// mailbox's consumer is not parked, so no sender schedules it).
    @inlinable  // specialized where the service is spawned: unspecialized, it looked up generic metadata
    func startInline() {
        let pooled = self.pooled!
        let make = pooled.make!
        let initialized = pooled.initialized
        pooled.make = nil
        pooled.initialized = nil
        let outer = nano_current_service()
        nano_set_current_service(Unmanaged.passUnretained(self).toOpaque())
        start(&pooled.loop.pointee, make: make, initialized: initialized)
        nano_set_current_service(outer)
        releaseRunSlot()
    }

    /// Runs, on the calling thread, the slice a pool thread would run after the stop request
    /// that handed this thread the run slot (``Mailbox/close(_:claimingIfIdle:)``): the loop
    /// sees the stop, releases the instance and ends the service. If something still holds
    /// it (an `async` method's jobs), the slice leaves it parked, or queued on its pool.
    func finishInline() {
        let threadID = statistics.threadID  // keep the pool thread's
        if pooled!.runSlice(self, threadID) == .again { mailbox.poolSlot!.schedule() }
    }
}
