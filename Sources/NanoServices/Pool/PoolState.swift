/// A pool's bookkeeping as a value: the queue of ready services, the threads that exist, are
/// blocked in calls, spin or are parked, how many services live on it, and shutdown.
///
/// Every transition is a `mutating` method that returns what the caller must do once it has
/// released the pool's lock — wake a parked thread, start a new one, set the `drained` event —
/// and does none of it itself: no locks, no atomics, no system calls. ``ServicePool`` holds
/// one under its lock; the tests drive it directly, without threads (`PoolStateTests`).
///
/// The thread accounting it keeps: `threads - blocked` threads may run services at once, and
/// the pool keeps that number at `threadCount` while there is work — a thread blocked in a
/// call is counted out, and another is woken or started for waiting work (the way a fork-join
/// pool compensates); when the blocked thread comes back, the extra thread ends.
///
/// `Entry` is an unretained service and `Parked` a thread's parking word in the runtime.
/// Not thread-safe: the pool guards it with its lock.
struct PoolState<Entry, Parked> {
    /// How many threads may run services at once.
    let threadCount: Int
    private(set) var queue = RunQueue<Entry>()
    /// The threads parked for lack of work (the most recent last: woken first).
    private(set) var parked: [Parked] = []
    /// Threads alive (or being started), blocked in calls, and spinning for work.
    private(set) var threads = 0
    private(set) var blocked = 0
    private(set) var spinning = 0
    /// Services admitted and not yet ended. The pool also lists them (`ServicePool.services`,
    /// for shutdown); this count is what the transitions decide by, so that they stay testable
    /// without services. Debug builds check that the two agree after each change.
    private(set) var liveServices = 0
    /// `shutdown()` began: no new service is admitted.
    private(set) var shuttingDown = false
    /// Every service has ended after `shutdown()`: threads end once the queue is empty.
    private(set) var exiting = false

    init(threadCount: Int) {
        precondition(threadCount >= 1)
        self.threadCount = threadCount
    }

    /// Which thread will take the work just queued.
    enum Helper {
        /// A spinning thread will see it, or every unblocked thread is busy.
        case none
        /// Wake this parked thread.
        case parked(Parked)
        /// Start a new thread (already counted in `threads`); call ``threadFailedToStart()``
        /// if the system refuses.
        case new
    }

    // MARK: Services

    /// What ``admit()`` decided.
    enum Admission: Equatable {
        /// The pool is shutting down: the service must not be placed on it.
        case refused
        case admitted
        /// Admitted, and the caller must start the pool's first thread (already counted);
        /// call ``admissionFailed()`` if the system refuses.
        case admittedStartingThread
    }

    /// A new service asks to be placed here.
    mutating func admit() -> Admission {
        if shuttingDown { return .refused }
        liveServices += 1
        guard threads == 0 else { return .admitted }
        threads += 1
        return .admittedStartingThread
    }

    /// The first thread could not be started: the admission is undone.
    mutating func admissionFailed() {
        threads -= 1
        liveServices -= 1
    }

    /// A service ended (its last slice). Returns `true` when it was the last one of a pool
    /// shutting down: the caller sets the pool's `drained` event.
    mutating func serviceEnded() -> Bool {
        precondition(liveServices > 0, "NanoServices: a pool service ended twice")
        liveServices -= 1
        return shuttingDown && liveServices == 0
    }

    // MARK: Scheduling

    /// `entry` has work: queue it and pick a thread for it.
    mutating func schedule(_ entry: Entry) -> Helper {
        queue.append(entry)
        return claimHelper()
    }

    /// A service overran its thread's run-next bound: queue it behind the waiting ones. Wakes a
    /// thread only if others wait too; otherwise the requeuing thread takes it at once.
    mutating func requeue(_ entry: Entry) -> Helper {
        let othersWaiting = !queue.isEmpty
        queue.append(entry)
        return othersWaiting ? claimHelper() : .none
    }

    /// A pool thread is about to block in a call: it is counted out, and its run-next service
    /// (`handedOver`) joins the queue. Returns a thread to bring in if services are waiting.
    mutating func willBlock(handingOver handedOver: Entry?) -> Helper {
        blocked += 1
        assert(blocked <= threads, "NanoServices: more pool threads blocked than alive (a wait counted twice)")
        if let handedOver { queue.append(handedOver) }
        return queue.isEmpty ? .none : claimHelper()
    }

    /// The blocked pool thread runs again. An extra thread ends when it next looks for work.
    mutating func didUnblock() {
        precondition(blocked > 0, "NanoServices: a pool thread unblocked without having blocked")
        blocked -= 1
    }

    /// Picks a thread for queued work: none if one is spinning, else the most recently parked
    /// one, else a new one while fewer than `threadCount` run unblocked.
    private mutating func claimHelper() -> Helper {
        guard spinning == 0 else { return .none }
        if let word = parked.popLast() { return .parked(word) }
        guard threads - blocked < threadCount else { return .none }
        threads += 1
        return .new
    }

    /// A thread the pool decided to start could not be started: its count is given back (the
    /// pool's other threads carry on).
    mutating func threadFailedToStart() {
        threads -= 1
    }

    // MARK: A pool thread's loop

    /// What a pool thread does next.
    enum ThreadStep {
        /// Run slices of this service. `queueEmptied`: the queue is now empty (clear the
        /// ready hint that spinning threads watch).
        case run(Entry, queueEmptied: Bool)
        /// End the thread (the pool exits, or this thread is extra). `lastThread`: set the
        /// `threadsEnded` event.
        case exit(lastThread: Bool)
        /// Spin for a while (counted as spinning), then call ``spinEnded(parking:)``.
        case spin
        /// Park on the parking word given (it is now listed as parked).
        case park
    }

    /// A pool thread looks for work. `spins`: the pool spins before parking.
    mutating func nextStep(spins: Bool, parking word: Parked) -> ThreadStep {
        if let entry = queue.popFirst() { return .run(entry, queueEmptied: queue.isEmpty) }
        if exiting || threads - blocked > threadCount {
            threads -= 1
            return .exit(lastThread: exiting && threads == 0)
        }
        if spins {
            spinning += 1
            return .spin
        }
        parked.append(word)
        return .park
    }

    /// A thread's spin ended. Returns `true` when it must look again (work is queued, or the
    /// pool exits); otherwise it is listed as parked and must park on `word`.
    mutating func spinEnded(parking word: Parked) -> Bool {
        spinning -= 1
        if !queue.isEmpty || exiting { return true }
        parked.append(word)
        return false
    }

    // MARK: Shutdown

    /// `shutdown()` begins. Returns whether this is the first call (then the caller stops every
    /// live service), and whether no service is left (set `drained` now).
    mutating func beginShutdown() -> (first: Bool, drainedNow: Bool) {
        let first = !shuttingDown
        shuttingDown = true
        return (first, first && liveServices == 0)
    }

    /// Every service has ended: threads end once they find no work. Returns the parked threads
    /// to wake, and whether no thread is left (set `threadsEnded` now).
    mutating func endThreads() -> (wake: [Parked], noThreads: Bool) {
        exiting = true
        defer { parked = [] }
        return (parked, threads == 0)
    }
}

extension PoolState.Helper: Equatable where Parked: Equatable {}
