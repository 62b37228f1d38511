import CNanoServicesShims

/// What one service knows about one of its methods: how many messages for it were handled,
/// and its metric objects when a metrics backend is bootstrapped.
///
/// Thread safety: the handled count is written only by the service's thread (a relaxed load
/// and store) and read by anyone. It lives on the service's own counter line (see
/// ``ServiceStatistics/hot``) for its first methods, which costs no memory of its own, and
/// on a line of its own for the others (see ``CounterLine``).
/// Lifetime: the counter may point into the service's line, so a `MethodStatistics` must not
/// outlive its ``ServiceStatistics``; only that object and the service's loop keep one.
/// `@unchecked Sendable` is sound: everything is immutable but the counter, which has one
/// writer and is read with relaxed atomic loads.
@usableFromInline
final class MethodStatistics: @unchecked Sendable {
    /// The method's Swift name, `add(_:)`.
    let name: String
    /// Messages for this method handled so far. Written by the service thread only.
    @usableFromInline let counter: UnsafeMutablePointer<UInt64>
    /// The line `counter` is on when it is not the service's.
    private let ownLine: CounterLine?
    /// This method's metric objects, or `nil` when metrics are off.
    @usableFromInline let metrics: MethodMetrics?

    /// - Parameter counter: a zeroed slot of the service's counter line, or `nil` for a line
    ///   of its own.
    init(name: String, metrics: MethodMetrics?, counter: UnsafeMutablePointer<UInt64>?) {
        self.name = name
        self.metrics = metrics
        if let counter {
            self.counter = counter
            ownLine = nil
        } else {
            let line = CounterLine()
            self.counter = line.base
            ownLine = line
        }
    }

    deinit { ownLine?.deallocate() }

    /// Messages for this method handled so far. Any thread.
    var handled: Int { Int(truncatingIfNeeded: nano_atomic_load_relaxed_u64(counter)) }

}

extension StaticString {
    /// A key identifying this literal: its address (or its scalar), stable for the process.
    @inlinable @inline(__always)
    var _observabilityKey: UInt {
        hasPointerRepresentation ? UInt(bitPattern: utf8Start) : UInt(unicodeScalar.value) | (1 << 63)
    }
}

/// The service thread's private shortcut to ``MethodStatistics``: the last method handled,
/// then the others seen so far, then the shared table (one lock, first time per method only).
///
/// It keeps the last method's counter as a plain pointer, so counting a message costs a
/// comparison and two memory accesses — no reference counting, no lock. A service that only
/// ever handles one method allocates nothing here.
///
/// Not thread-safe: a local of the service thread's loop.
@usableFromInline
struct MethodStatisticsCache {
    @usableFromInline var lastKey: UInt = 0
    @usableFromInline var lastCounter: UnsafeMutablePointer<UInt64>?
    /// The last method's statistics, kept alive here; touched only when it has metrics.
    @usableFromInline var last: MethodStatistics?
    @usableFromInline var lastHasMetrics = false
    /// The methods seen before the last one, by key: an array, as a service has few methods.
    @usableFromInline var earlier: ContiguousArray<(key: UInt, statistics: MethodStatistics)> = []

    @inlinable
    init() {}

    /// Notes one handled message for `method`, counting it when `counting`. Returns its
    /// metric objects when metrics are on, `nil` otherwise. Cost: a comparison and two memory
    /// accesses when the method is the same as the previous message's, a scan of the methods
    /// seen so far otherwise.
    @inlinable @inline(__always)
    mutating func noteHandled(_ method: StaticString, counting: Bool, in service: ServiceStatistics) -> MethodMetrics? {
        let key = method._observabilityKey
        if key != lastKey || lastCounter == nil { miss(method, key: key, in: service) }
        if counting {
            let counter = lastCounter.unsafelyUnwrapped
            nano_atomic_store_relaxed_u64(counter, nano_atomic_load_relaxed_u64(counter) &+ 1)
        }
        return lastHasMetrics ? last.unsafelyUnwrapped.metrics : nil
    }

    @usableFromInline
    mutating func miss(_ method: StaticString, key: UInt, in service: ServiceStatistics) {
        // Keep the method being left, so that coming back to it takes no lock.
        if let last, !earlier.contains(where: { $0.key == lastKey }) { earlier.append((lastKey, last)) }
        let found = earlier.first(where: { $0.key == key })?.statistics ?? service.methodStatistics(for: method, key: key)
        lastKey = key
        last = found
        lastCounter = found.counter
        lastHasMetrics = found.metrics != nil
    }
}
