import CNanoServicesShims
import Synchronization

/// The counters behind ``ServiceSnapshot``, one per service, stored inline in it (no object
/// of its own: 24 bytes in the service instead of an 80-byte allocation).
///
/// Thread safety: the hot counters (busy time, messages in hand, each method's handled count)
/// sit on cache lines of their own (``CounterLine``), written only by the service's thread with
/// relaxed stores and read by anyone with relaxed loads; nobody reading them costs the service
/// nothing, and senders never touch them. The method table and the failure counts are behind
/// locks taken only the first time a method is seen, on failure paths, and by readers.
/// `@unchecked Sendable` is sound: its members are immutable (the metric objects), a pointer to
/// lines written as described above (and the thread id beside them), and a ``Locked`` table.
@usableFromInline
struct ServiceStatistics: ~Copyable, @unchecked Sendable {
    /// Metric objects when a metrics backend was bootstrapped before the service started.
    @usableFromInline let metrics: ServiceMetrics?
    /// Slot 0: time spent handling messages and running jobs, measured per batch. Slot 1:
    /// messages the service thread has taken from the mailbox and not handled yet (unbounded
    /// mailboxes count them nowhere else). Slots 2 to 7: the handled counts of the first six
    /// methods seen (``MethodStatistics``). Service thread writes. In the service's mailbox
    /// block, which frees it.
    @usableFromInline let hot: CounterLine
    /// The service's block (see ``ServiceBlock``), where `hot` is.
    @inlinable var block: UnsafeMutableRawPointer { UnsafeMutableRawPointer(hot.base) - ServiceBlock.counters }
    /// The kernel id of the thread running the service, 0 until one does. A word of the
    /// service's block. Any thread (a relaxed load).
    @inlinable var threadID: Int64 { Int64(bitPattern: nano_atomic_load_relaxed_u64(threadIDWord)) }
    /// Sets ``threadID``. The thread running the service.
    @inlinable func setThreadID(_ id: Int64) { nano_atomic_store_relaxed_u64(threadIDWord, UInt64(bitPattern: id)) }
    @inlinable var threadIDWord: UnsafeMutablePointer<UInt64> { (block + ServiceBlock.threadID).assumingMemoryBound(to: UInt64.self) }
    /// Per method, and failed calls by code. One lock for both: each is touched rarely.
    private let tables = Locked(Tables())

    /// The methods seen, keyed by the `StaticString` address of their names, and failed calls
    /// by code. The first method is kept inline and the others in an array (a service has few
    /// methods, and an array costs a fraction of a dictionary's memory): a service that only
    /// ever handles one method allocates nothing for it.
    private struct Tables {
        var first: (key: UInt, statistics: MethodStatistics)?
        var others: [(key: UInt, statistics: MethodStatistics)] = []
        var failures: [ServiceError.Code: Int] = [:]

        var methodCount: Int { first == nil ? 0 : 1 + others.count }

        func method(_ key: UInt) -> MethodStatistics? {
            if let first, first.key == key { return first.statistics }
            return others.first(where: { $0.key == key })?.statistics
        }

        mutating func add(_ method: MethodStatistics, key: UInt) {
            if first == nil { first = (key, method) } else { others.append((key, method)) }
        }

        var methods: [MethodStatistics] { (first.map { [$0.statistics] } ?? []) + others.map(\.statistics) }
    }

    /// The first slot of `hot` that counts a method's handled messages.
    static var firstMethodSlot: Int { 2 }

    /// - Parameter hot: a zeroed line that outlives this value (see ``hot``).
    init(serviceName: String, hot: CounterLine) {
        self.hot = hot
        metrics = ServiceMetrics.isEnabled ? ServiceMetrics(serviceName: serviceName) : nil
    }

    deinit {
        // Only methods past the sixth have lines of their own (the first never does).
        let hot = self.hot
        tables.withLock { tables in for (_, method) in tables.others { method.ownLine(besides: hot)?.deallocate() } }
    }

    /// Time spent handling messages and running jobs. Any thread.
    var busyNanoseconds: UInt64 { hot.load(0) }

    /// Messages taken from the mailbox and not handled yet. Any thread.
    var inHand: Int { Int(truncatingIfNeeded: hot.load(1)) }

    /// Publishes how many taken messages are not handled yet. Service thread only.
    @inlinable @inline(__always)
    func setInHand(_ count: Int) { hot.store(1, UInt64(truncatingIfNeeded: count)) }

    /// One message in hand is being handled. Service thread only; two plain memory accesses.
    @inlinable @inline(__always)
    func noteTakenFromHand() { hot.add(1, UInt64.max) }  // wrapping add of -1

    /// Finds or creates the statistics of `method`. Any thread; takes a lock.
    @usableFromInline
    func methodStatistics(for method: StaticString, key: UInt) -> MethodStatistics {
        tables.withLock { tables in
            if let found = tables.method(key) { return found }
            let name = "\(method)"
            // The same name at another address (a handle's direct call passes its own copy of
            // the literal): the same statistics, not listed twice. The caller caches it by key.
            if let found = tables.methods.first(where: { $0.name == name }) { return found }
            // The first methods count on the service's own line (see `hot`).
            let slot = Self.firstMethodSlot + tables.methodCount
            let created = MethodStatistics(name: name, metrics: metrics?.method(name),
                                           counter: slot < CounterLine.slots ? hot.base + slot : nil)
            tables.add(created, key: key)
            return created
        }
    }

    /// Adds one batch's busy time. Service thread only.
    @inlinable @inline(__always)
    func addBusy(_ nanoseconds: UInt64) { hot.add(0, nanoseconds) }

    /// Adds the busy time between two ``nano_ticks()`` reads on the service's thread (an
    /// inline call: two counter reads instead of two clock reads, ≈40 ns less per call here).
    /// A counter that went backwards (a core change on a machine whose cores disagree) adds
    /// nothing. Service thread only.
    @inlinable
    func addBusy(ticksFrom start: UInt64, to end: UInt64) {
        guard end > start else { return }
        addBusy(UInt64(Double(end &- start) * nano_nanoseconds_per_tick()))
    }

    /// Counts a failed call. Any thread; failure paths only.
    func noteCallFailed(_ code: ServiceError.Code) {
        tables.withLock { $0.failures[code, default: 0] += 1 }
        metrics?.noteCallFailed(code)
    }

    /// Handled counts per method name, for the methods handled at least once. Any thread.
    var handledByMethod: [String: Int] {
        let all = tables.withLock { $0.methods }
        var counts: [String: Int] = [:]
        for method in all where method.handled > 0 {
            counts[method.name, default: 0] += method.handled
        }
        return counts
    }

    var callsFailed: [ServiceError.Code: Int] { tables.withLock { $0.failures } }
}
