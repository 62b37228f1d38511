import CNanoServicesShims

/// A shared set of threads that runs many services, for when you need more services than
/// threads: tens of thousands of mostly idle sessions, subscribers or devices.
///
/// ```swift
/// let pool = ServicePool(name: "sessions", threads: 2)
/// let session = try Session.Service(user: id, options: .init(placement: .pool(pool)))
/// ```
///
/// A pooled service keeps every guarantee of a service with its own thread: its methods run
/// one at a time, in mailbox order, never reentrantly (an `async` method holds it exactly as
/// before); its state is touched by one thread at a time; calls, casts, stop, join, timeouts,
/// deadlock detection and introspection behave the same. What changes is *which* thread: each
/// time the service has work, a free pool thread runs a slice of it (every message and job
/// waiting, up to a few batches), then moves on to the next service with work; a service
/// woken by a pool thread runs next on that thread (see ``PoolThread``); and a blocking call
/// that finds the service idle runs the method on the caller's thread (see
/// ServiceCore+InlineCall.swift). Either way, one thread at a time. A service
/// waiting for work costs no thread, only its memory (about 1.5 KiB). ``shared`` has one thread
/// per core.
///
/// Blocking: a pooled service's method that makes a *blocking* call (or waits for room in a
/// full mailbox) ties up its pool thread while it waits. So that a pool never runs out of
/// threads while services wait on each other, the pool starts an extra thread for each one so
/// blocked, and lets the extra ones end when they are no longer needed (the way a fork-join
/// pool compensates). Blocking on anything else (a semaphore, `sleep`, synchronous I/O) from
/// a pooled method holds a pool thread like it would hold a cooperative thread: prefer
/// `try await` calls and `async` methods there, or give such a service its own thread.
///
/// Lifetime: a pool's threads start on first use and run until ``shutdown()`` (create pools
/// once, like an `EventLoopGroup`); an idle pool thread costs one parked thread.
/// Thread safety: every member may be used from any thread. `@unchecked Sendable` is sound:
/// `state` and `nextThreadNumber` are only touched under `lock`, `readyHint` only
/// through atomics, and the rest is immutable or thread-safe (`OneShotEvent`).
public final class ServicePool: @unchecked Sendable, CustomStringConvertible {
    /// The pool's name: its threads are named after it (`name` truncated to 12 bytes, then a
    /// number), and pooled services report it as their thread name.
    public let name: String
    /// How many threads run services at once (more may exist while some are blocked in calls).
    public let threadCount: Int
    /// The stack size of each pool thread in bytes.
    public let stackSize: Int
    /// How long an idle pool thread spins, looking for work, before it parks.
    let spinNanoseconds: Int64

    /// Guards `state` and `nextThreadNumber`.
    let lock: FutexLock
    /// The queue and the thread accounting (see ``PoolState``). Guarded by `lock`.
    var state: PoolState<Unmanaged<PoolSlot>, UnsafeMutablePointer<UInt32>>
    /// Numbers the pool's threads. Guarded by `lock`.
    var nextThreadNumber = 0
    /// Set when the last service of a shutting-down pool has ended.
    let drained = OneShotEvent()
    /// Set when the last thread of an exiting pool has ended.
    let threadsEnded = OneShotEvent()
    /// Services ready to run, readable without the lock by spinning threads.
    let readyHint: UnsafeMutablePointer<UInt32>

    /// The pool used by `placement: .sharedPool`: one thread per core, named `nano-pool-N`.
    public static let shared = ServicePool(name: "nano-pool")

    /// - Parameters:
    ///   - name: names the threads and appears in snapshots and logs.
    ///   - threads: how many threads run services at once; at least 1. Defaults to the
    ///     number of cores.
    ///   - stackSize: each thread's stack size in bytes (see ``ServiceOptions/stackSize``).
    ///   - spinBeforeParking: how long an idle thread looks for work before it parks.
    public init(
        name: String = "nano-pool",
        threads: Int = ServicePool.coreCount,
        stackSize: Int = ServiceOptions.defaultStackSize,
        spinBeforeParking: Duration = .microseconds(50)
    ) {
        precondition(threads >= 1, "ServicePool needs at least 1 thread, got \(threads)")
        precondition(stackSize >= 0, "ServicePool.stackSize must not be negative")
        self.name = name
        self.threadCount = threads
        self.stackSize = stackSize
        self.spinNanoseconds = spinBeforeParking.nanosecondsClamped
        self.state = PoolState(threadCount: threads)
        // The lock and the ready hint spinning threads watch, each on a line of its own.
        let words = CacheLine.allocate(lines: 2)
        lock = FutexLock(word: words.assumingMemoryBound(to: UInt32.self))
        readyHint = (words + CacheLine.size).assumingMemoryBound(to: UInt32.self)
    }

    deinit {
        // No thread is left (each holds the pool), so nothing can touch the words.
        UnsafeMutableRawPointer(lock.word).deallocate()
    }

    /// The number of cores this process may run on (at least 1).
    public static var coreCount: Int { max(Int(nano_available_cpus()), 1) }

    public var description: String { "ServicePool(\(name), \(threadCount) threads)" }

    /// Threads currently alive, and how many of them are blocked in calls. For tests (hence
    /// `package`). Any thread; takes the pool's lock.
    package var threadCounts: (alive: Int, blocked: Int) {
        lock.withLock { (state.threads, state.blocked) }
    }

    // MARK: Scheduling (runtime)

    /// Admits a new service: makes sure at least one thread can run it and counts it as live.
    /// Throws `spawnFailed` when the pool is shut down, or when the system refuses to start a
    /// thread and the pool has none.
    @usableFromInline
    func admit(_ service: _ServiceContext) throws(ServiceError) {
        let admission = lock.withLock { () -> PoolState.Admission in
            state.admit()
        }
        if admission == .refused {
            throw ServiceError(
                .spawnFailed, service: service.name,
                message: "the pool '\(name)' has been shut down; services cannot be placed on it any more")
        }
        guard admission == .admittedStartingThread else { return }
        let status = startThread()
        if status != 0 {
            lock.withLock { state.admissionFailed() }
            throw ServiceError(
                .spawnFailed, service: service.name,
                message: "the system refused to start a thread for pool '\(name)' (error \(status)); too many threads or too little memory")
        }
    }

    /// A service of this pool has ended (its last slice). Pool thread.
    @usableFromInline
    func serviceEnded(_ service: _ServiceContext) {
        let last = lock.withLock { () -> Bool in
            state.serviceEnded()
        }
        if last { drained.set() }
    }

    /// Queues the service of `slot` to run a slice. Called once per time the service goes
    /// from idle to having work (its mailbox guarantees it), or by a pool thread putting back
    /// a service that still has work.
    @usableFromInline
    func schedule(_ slot: PoolSlot) {
        lock.lock()
        let helper = state.schedule(Unmanaged.passUnretained(slot))
        nano_atomic_store_release(readyHint, 1)
        lock.unlock()
        bringIn(helper)
    }

    /// A pool thread is about to block in a call: count it out, and start (or wake) another
    /// thread if services are waiting for one.
    /// The thread's run-next service (see ``PoolThread``) joins the queue first: it must not
    /// wait for this thread.
    @usableFromInline
    func willBlock() {
        let handedOver = PoolThread.current?.takeNext()
        lock.lock()
        let helper = state.willBlock(handingOver: handedOver)
        if handedOver != nil { nano_atomic_store_release(readyHint, 1) }
        lock.unlock()
        bringIn(helper)
    }

    typealias Helper = PoolState<Unmanaged<PoolSlot>, UnsafeMutablePointer<UInt32>>.Helper

    /// Wakes or starts the thread the pool's state picked. Call without the lock.
    func bringIn(_ helper: Helper) {
        switch helper {
        case .none:
            return
        case .parked(let word):
            ThreadParker.unpark(word)
        case .new:
            if startThread() != 0 {
                // The system refused a thread: the pool's other threads carry on (there is
                // one at least, started by `ensureStarted`).
                lock.withLock { state.threadFailedToStart() }
            }
        }
    }

    /// The blocked pool thread is running again.
    @usableFromInline
    func didUnblock() {
        lock.withLock { state.didUnblock() }
    }
}
