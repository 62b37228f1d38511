import Synchronization

/// What one service knows about one of its methods: how many messages for it were handled,
/// and its metric objects when a metrics backend is bootstrapped.
///
/// Thread safety: `handled` is written only by the service's thread (a relaxed load and
/// store, no read-modify-write) and read by anyone with a relaxed load.
@usableFromInline
final class MethodStatistics: Sendable {
    /// The method's Swift name, `add(_:)`.
    let name: String
    /// Messages for this method handled so far. Written by the service thread only.
    @usableFromInline let handled = Atomic<Int>(0)
    /// This method's metric objects, or `nil` when metrics are off.
    @usableFromInline let metrics: MethodMetrics?

    init(name: String, metrics: MethodMetrics?) {
        self.name = name
        self.metrics = metrics
    }

    /// Counts one handled message. Service thread only; cost: two plain memory accesses.
    @inlinable @inline(__always)
    func noteHandled() {
        handled.store(handled.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
    }
}

extension StaticString {
    /// A key identifying this literal: its address (or its scalar), stable for the process.
    @inlinable @inline(__always)
    var _observabilityKey: UInt {
        hasPointerRepresentation ? UInt(bitPattern: utf8Start) : UInt(unicodeScalar.value) | (1 << 63)
    }
}

/// The service thread's private shortcut to ``MethodStatistics``: the last method handled,
/// then a plain dictionary, then the shared table (one lock, first time per method only).
///
/// Not thread-safe: a local of the service thread's loop.
@usableFromInline
struct MethodStatisticsCache {
    @usableFromInline var lastKey: UInt = 0
    @usableFromInline var last: MethodStatistics?
    @usableFromInline var known: [UInt: MethodStatistics] = [:]

    @inlinable
    init() {}

    /// The statistics of `method`. Cost: one comparison when the method is the same as the
    /// previous message's, one dictionary lookup otherwise.
    @inlinable @inline(__always)
    mutating func statistics(for method: StaticString, in service: ServiceStatistics) -> MethodStatistics {
        let key = method._observabilityKey
        if key == lastKey, let last { return last }
        return miss(method, key: key, in: service)
    }

    @usableFromInline
    mutating func miss(_ method: StaticString, key: UInt, in service: ServiceStatistics) -> MethodStatistics {
        let found: MethodStatistics
        if let known = known[key] {
            found = known
        } else {
            found = service.methodStatistics(for: method, key: key)
            known[key] = found
        }
        lastKey = key
        last = found
        return found
    }
}
