import CNanoServicesShims
import Instrumentation
import Synchronization

/// A running service: its mailbox and the loop its dedicated thread runs.
///
/// Its jobs live in one file each: sending casts and calls (`ServiceCore+Sending.swift`), the
/// slow paths of a closed, full or evicting mailbox (`ServiceCore+FullMailbox.swift`), spawning
/// (`ServiceCore+Spawn.swift`), the consumer loop (`ServiceCore+ConsumerLoop.swift`) and pool
/// slices (`Pool/ServiceCore+PoolSlice.swift`). docs/RUNTIME.md follows a message through them.
///
/// Thread safety: ``cast(_:)``, the `call` methods and ``requestStop(_:)`` may be used from
/// any thread; ``run(make:initialized:)`` runs on the service's own thread, which is the only
/// thread that ever touches the instance.
///
/// Lifetime: referenced by the handles' ``_ServiceRuntime`` and by its own thread while that
/// runs, so the mailbox outlives every sender and the thread outlives no handle longer than
/// it takes to drain.
/// `@unchecked Sendable` is sound: `mailbox` is thread-safe and immutable; `pooled` is immutable,
/// and touched by one pool thread (or inline caller) at a time (see ``PooledLoop``).
@usableFromInline
final class ServiceCore<Message: _ServiceMessage>: _ServiceContext, RunningService, @unchecked Sendable {
    /// A message with the sender's tracing context and send time (see ``MessageEnvelope``).
    @usableFromInline typealias Envelope = MessageEnvelope<Message>
    @usableFromInline let mailbox: Mailbox<Envelope>

    /// A pooled service's loop, which is also its mailbox's pool slot (see ``PooledLoop``);
    /// `nil` for a service with its own thread.
    @usableFromInline let pooled: PooledLoop?

    /// Inlinable so that it is specialized where the service type is known: unspecialized,
    /// it looked up its mailbox's generic type at run time on every spawn.
    @inlinable
    init(typeName: String, options: ServiceOptions) {
        let slot = options.placement.pool.map { pool in
            PooledLoop(pool: pool) { core, threadID in core.runPooledSlice(threadID: threadID) }
        }
        mailbox = Mailbox(policy: options.mailbox, poolSlot: slot)
        pooled = slot
        super.init(typeName: typeName, options: options, block: mailbox.words)
        slot?.service = self
    }

    @usableFromInline
    func requestStop(_ mode: StopMode) {
        let inline = pooled != nil && Self.mayRunInline(waiting: false)
        switch mailbox.close(mode, claimingIfIdle: inline) {
        case .unchanged:
            break
        case .closed:
            markStopping()
        case .closedAndClaimed:
            markStopping()
            finishInline()
        }
    }

    @usableFromInline
    func enqueueJob(_ job: UnownedJob) -> Bool {
        mailbox.sendJob(job)
    }

    @usableFromInline
    var isStoppingImmediately: Bool { mailbox.isClosedImmediately }

    @usableFromInline
    var queuedMessageCount: Int {
        // A bounded mailbox counts the batch in hand itself; an unbounded one does not.
        mailbox.capacity == Int.max ? mailbox.depth + statistics.inHand : mailbox.depth
    }

    /// Runs a slice of this pooled service on the calling pool thread (see
    /// ServiceCore+PoolSlice.swift). Pool thread.
    @usableFromInline
    func runSlice(threadID: Int64) -> SliceOutcome {
        pooled!.runSlice(self, threadID)  // specialized: see `runPooledSlice`
    }
}
