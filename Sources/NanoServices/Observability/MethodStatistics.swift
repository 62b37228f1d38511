/// What one service knows about one of its methods: how many messages for it were handled,
/// and its metric objects when a metrics backend is bootstrapped.
///
/// Thread safety: the handled count is written only by the service's thread (a relaxed load
/// and store on a cache line of its own, see ``CounterLine``) and read by anyone.
@usableFromInline
final class MethodStatistics: Sendable {
    /// The method's Swift name, `add(_:)`.
    let name: String
    /// Slot 0: messages for this method handled so far. Written by the service thread only.
    @usableFromInline let counters = CounterLine()
    /// This method's metric objects, or `nil` when metrics are off.
    @usableFromInline let metrics: MethodMetrics?

    init(name: String, metrics: MethodMetrics?) {
        self.name = name
        self.metrics = metrics
    }

    deinit { counters.deallocate() }

    /// Messages for this method handled so far. Any thread.
    var handled: Int { Int(truncatingIfNeeded: counters.load(0)) }
}

extension StaticString {
    /// A key identifying this literal: its address (or its scalar), stable for the process.
    @inlinable @inline(__always)
    var _observabilityKey: UInt {
        hasPointerRepresentation ? UInt(bitPattern: utf8Start) : UInt(unicodeScalar.value) | (1 << 63)
    }
}

/// The service thread's private shortcut to ``MethodStatistics``: the last method handled,
/// then a plain array, then the shared table (one lock, first time per method only).
///
/// It keeps the last method's counter as a plain pointer, so counting a message costs a
/// comparison and two memory accesses — no reference counting, no lock.
///
/// Not thread-safe: a local of the service thread's loop.
@usableFromInline
struct MethodStatisticsCache {
    @usableFromInline var lastKey: UInt = 0
    @usableFromInline var lastCounters: CounterLine?
    /// The last method's statistics, kept alive here; touched only when it has metrics.
    @usableFromInline var last: MethodStatistics?
    @usableFromInline var lastHasMetrics = false
    /// Every method seen, by key: an array, as a service has few methods.
    @usableFromInline var known: ContiguousArray<(key: UInt, statistics: MethodStatistics)> = []

    @inlinable
    init() {}

    /// Notes one handled message for `method`, counting it when `counting`. Returns its
    /// metric objects when metrics are on, `nil` otherwise. Cost: a comparison and two memory
    /// accesses when the method is the same as the previous message's, a scan of the methods
    /// seen so far otherwise.
    @inlinable @inline(__always)
    mutating func noteHandled(_ method: StaticString, counting: Bool, in service: ServiceStatistics) -> MethodMetrics? {
        let key = method._observabilityKey
        if key != lastKey || lastCounters == nil { miss(method, key: key, in: service) }
        if counting { lastCounters.unsafelyUnwrapped.add(0, 1) }
        return lastHasMetrics ? last.unsafelyUnwrapped.metrics : nil
    }

    @usableFromInline
    mutating func miss(_ method: StaticString, key: UInt, in service: ServiceStatistics) {
        let found: MethodStatistics
        if let known = known.first(where: { $0.key == key }) {
            found = known.statistics
        } else {
            found = service.methodStatistics(for: method, key: key)
            known.append((key, found))
        }
        lastKey = key
        last = found
        lastCounters = found.counters
        lastHasMetrics = found.metrics != nil
    }
}
