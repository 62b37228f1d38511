import Instrumentation
import Synchronization

/// The counters behind ``ServiceSnapshot``, one per service.
///
/// Thread safety: the hot counters (`busyNanoseconds`, `inHand`, each method's `handled`) are
/// atomics written only by the service's thread with plain relaxed stores and read by anyone
/// with relaxed loads; nobody reading them costs the service nothing. The method table and the
/// failure counts are behind locks taken only the first time a method is seen, on failure
/// paths, and by readers.
@usableFromInline
final class ServiceStatistics: Sendable {
    let serviceName: String
    /// Metric objects when a metrics backend was bootstrapped before the service started.
    @usableFromInline let metrics: ServiceMetrics?
    /// Time spent handling messages and running jobs, measured per batch. Service thread writes.
    @usableFromInline let busyNanoseconds = Atomic<UInt64>(0)
    /// Messages the service thread has taken from the mailbox and not handled yet (unbounded
    /// mailboxes count them nowhere else). Service thread writes.
    @usableFromInline let inHand = Atomic<Int>(0)
    /// Whether messages carry the sender's `ServiceContext`: only when an instrument (a tracer)
    /// was bootstrapped before the service started. Reading the task-local context costs about
    /// 10 ns per send, a third of a cast, so a process that traces nothing does not pay it.
    @usableFromInline let carriesContext: Bool
    /// The kernel id of the service's thread, 0 until it runs. Service thread writes.
    @usableFromInline let threadID = Atomic<Int64>(0)
    /// Per method, keyed by the `StaticString` address of its name.
    private let methods = Locked<[UInt: MethodStatistics]>([:])
    private let failures = Locked<[ServiceError.Code: Int]>([:])

    init(serviceName: String) {
        self.serviceName = serviceName
        metrics = ServiceMetrics.isEnabled ? ServiceMetrics(serviceName: serviceName) : nil
        carriesContext = !(InstrumentationSystem.instrument is NoOpInstrument)
    }

    /// Finds or creates the statistics of `method`. Any thread; takes a lock.
    @usableFromInline
    func methodStatistics(for method: StaticString, key: UInt) -> MethodStatistics {
        methods.withLock { table in
            if let found = table[key] { return found }
            let name = "\(method)"
            let created = MethodStatistics(name: name, metrics: metrics?.method(name))
            table[key] = created
            return created
        }
    }

    /// Adds one batch's busy time. Service thread only.
    @inlinable @inline(__always)
    func addBusy(_ nanoseconds: UInt64) {
        busyNanoseconds.store(busyNanoseconds.load(ordering: .relaxed) &+ nanoseconds, ordering: .relaxed)
    }

    /// Counts a failed call. Any thread; failure paths only.
    func noteCallFailed(_ code: ServiceError.Code) {
        failures.withLock { $0[code, default: 0] += 1 }
        metrics?.noteCallFailed(code)
    }

    /// Handled counts per method name. Any thread.
    var handledByMethod: [String: Int] {
        let all = methods.withLock { Array($0.values) }
        var counts: [String: Int] = [:]
        for method in all {
            counts[method.name, default: 0] += method.handled.load(ordering: .relaxed)
        }
        return counts
    }

    var callsFailed: [ServiceError.Code: Int] { failures.withLock { $0 } }
}
