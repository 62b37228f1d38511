import Synchronization

/// A running service's operations that need its message type: they reach its mailbox or its
/// pooled loop, both typed. ``ServiceCore`` is the one conforming type, and the compiler
/// checks that it implements each (they used to be members of ``_ServiceContext`` with
/// trapping bodies for `ServiceCore` to override).
///
/// The runtime keeps a service as `any RunningService` (a pointer and a witness table) where
/// it needs these operations without knowing the message type: the handle's
/// ``ServiceControl``, a pooled service's ``PoolSlot`` (so the pool's run queue and its
/// threads' run-next slots), and the ``ServiceExecutor`` of its `async` methods. Code that
/// holds only a ``_ServiceContext`` (the registry's and pools' lists, the current service of
/// a thread) asks for ``_ServiceContext/running`` on its cold paths.
///
/// Thread safety: each member says from which thread it may be called.
@usableFromInline
protocol RunningService: _ServiceContext {
    /// Refuses new messages and wakes the service (or ends a parked pooled service on the
    /// calling thread, see ServiceCore+InlineLifecycle.swift). Any thread.
    func requestStop(_ mode: StopMode)

    /// Queues a job of an `async` method for the service's thread. Returns `false` once the
    /// service has ended. Any thread.
    func enqueueJob(_ job: UnownedJob) -> Bool

    /// Messages accepted and not yet handled. Any thread; takes the mailbox lock.
    var queuedMessageCount: Int { get }

    /// Whether an immediate stop was requested. Any thread; one atomic load.
    var isStoppingImmediately: Bool { get }

    /// Runs a slice of a pooled service on the calling pool thread (see
    /// Pool/ServiceCore+PoolSlice.swift). Pool thread holding the service's run slot.
    func runSlice(threadID: Int64) -> SliceOutcome
}

/// What a pool thread does after a slice of a pooled service.
@usableFromInline
enum SliceOutcome {
    /// Work is left: queue the service again (it is still marked scheduled).
    case again
    /// Idle (the next send schedules it) or ended: forget it.
    case done
}

extension _ServiceContext {
    /// This service with its typed operations. Cold paths only (a snapshot, a pool's shutdown,
    /// a service reporting its own failure, the first `async` method): a dynamic cast, about
    /// as costly as a dictionary lookup. It cannot fail: ``ServiceCore`` is the only subclass
    /// of `_ServiceContext` (both are internal to this module) and it conforms.
    final var running: any RunningService {
        self as! any RunningService
    }
}
