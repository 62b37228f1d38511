import CNanoServicesShims
import Synchronization

/// A pooled service: slices of its loop run on pool threads (see ``ServicePool``).
extension ServiceCore {
    /// Runs a slice of this pooled service on the calling pool thread: the first one creates
    /// the instance; each handles what is waiting, up to ``PooledLoop/messagesPerSlice``
    /// messages, so that one busy service cannot keep a pool thread from the others.
    /// Pool thread (or a thread ending an idle service, see ServiceCore+InlineLifecycle.swift).
    ///
    /// Inlinable, and reached through ``PooledLoop/runSlice`` (made where the service was
    /// spawned), so that it runs specialized for the service's message type: called through
    /// `runSlice(threadID:)` (a protocol requirement) it would run unspecialized, asking the
    /// runtime for generic metadata on its way through the mailbox and the loop.
    @inlinable
    func runPooledSlice(threadID: Int64) -> SliceOutcome {
        let pooled = self.pooled!
        nano_set_current_service(Unmanaged.passUnretained(self).toOpaque())
        // Written only when it changes: the word is on the senders' line (see ServiceBlock).
        if statistics.threadID != threadID { statistics.setThreadID(threadID) }
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
            pooled.endLoop()
            pooled.release()  // may free this service: nothing after this line
            return .done
        }
    }

    /// Where a pooled service keeps what its thread's stack would hold: the loop's state, and
    /// the initializer until the first slice runs. It is also the service's ``PoolSlot`` (one
    /// object for both: a million pooled services save a million allocations). Touched by one
    /// pool thread at a time (the
    /// mailbox's parked flag and the pool's queue hand it from one to the next).
    /// `@unchecked Sendable` is sound for that reason: the run slot (see Mailbox+RunSlot.swift)
    /// is taken and given back under the mailbox lock, which orders one thread's accesses
    /// before the next one's.
    @usableFromInline
    final class PooledLoop: PoolSlot, @unchecked Sendable {
        /// How many messages a slice handles at most before the service yields its pool
        /// thread to the next service with work.
        @inlinable static var messagesPerSlice: Int { 256 }

        @usableFromInline let loop: UnsafeMutablePointer<Loop>
        @usableFromInline var make: (() throws -> Message.Instance)?
        @usableFromInline var initialized: _Reply<Void>?
        /// ``ServiceCore/runPooledSlice(threadID:)`` specialized for the message type: made
        /// where the service is spawned (generic code specialized at the user's call site).
        @usableFromInline let runSlice: (ServiceCore, Int64) -> SliceOutcome
        /// The service keeps itself alive until its last slice (a pool queues it unretained).
        @usableFromInline var keepAlive: ServiceCore? = nil

        /// A loop with no instance yet: ``prepare(make:initialized:keeping:)`` gives it its
        /// initializer before the first slice. Inlinable, so that it is specialized where the
        /// service is spawned: unspecialized, it looked up the loop's generic metadata.
        @inlinable
        init(pool: ServicePool, runSlice: @escaping (ServiceCore, Int64) -> SliceOutcome) {
            self.runSlice = runSlice
            loop = .allocate(capacity: 1)
            loop.initialize(to: Loop())
            super.init(pool: pool)
        }

        /// Hands over the initializer and keeps `core` alive until its last slice. The
        /// spawning thread, before any slice runs.
        @usableFromInline
        func prepare(make: sending @escaping () throws -> Message.Instance, initialized: _Reply<Void>?, keeping core: ServiceCore) {
            self.make = make
            self.initialized = initialized
            keepAlive = core
        }

        /// Destroys the loop's state (the service has ended, or never started: its spawn
        /// failed), here, specialized: the unspecialized `deinit` would look the loop's generic
        /// type up at run time (a hash lookup per service, seen in `spawn-1m`). Exactly once,
        /// before the last reference goes; nothing touches the loop after.
        @inlinable
        func endLoop() {
            loop.deinitialize(count: 1)
        }

        deinit {
            loop.deallocate()  // deinitialized by `endLoop()`
        }

        /// The service has ended: let it go.
        @usableFromInline func release() { keepAlive = nil }
    }

}
