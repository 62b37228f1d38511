import CNanoServicesShims

/// What one service knows about one of its methods: how many messages for it were handled,
/// and its metric objects when a metrics backend is bootstrapped.
///
/// A value, not an object: a service's table and its loop's cache hold copies, so that the
/// first method of a service costs no allocation of its own (a million pooled services, each
/// called once, would otherwise hold a million of these objects).
///
/// Thread safety: the handled count is written only by the service's thread (a relaxed load
/// and store) and read by anyone. It lives on the service's own counter line (see
/// ``ServiceStatistics/hot``) for its first methods, which costs no memory of its own, and
/// on a line of its own for the others (see ``CounterLine``), freed with the service's
/// ``ServiceStatistics``.
/// Lifetime: the counter points into a line the ``ServiceStatistics`` owns, so a copy must
/// not outlive it; only that object and the service's loop keep one.
/// `@unchecked Sendable` is sound: everything is immutable but the counter, which has one
/// writer and is read with relaxed atomic loads.
@usableFromInline
struct MethodStatistics: @unchecked Sendable {
    /// The method's Swift name, `add(_:)`.
    let name: String
    /// Messages for this method handled so far. Written by the service thread only.
    @usableFromInline let counter: UnsafeMutablePointer<UInt64>
    /// This method's metric objects, or `nil` when metrics are off.
    @usableFromInline let metrics: MethodMetrics?

    /// - Parameter counter: a zeroed slot of the service's counter line, or `nil` for a line
    ///   of its own, which then starts at `counter` and which the owner frees (see
    ///   ``ownLine(besides:)``).
    init(name: String, metrics: MethodMetrics?, counter: UnsafeMutablePointer<UInt64>?) {
        self.name = name
        self.metrics = metrics
        self.counter = counter ?? CounterLine().base
    }

    /// The line of its own `counter` is on, when it is not on `hot` (the service's): its
    /// owner's to free.
    func ownLine(besides hot: CounterLine) -> CounterLine? {
        let hot = hot.base
        return counter >= hot && counter < hot + CounterLine.slots ? nil : CounterLine(in: UnsafeMutableRawPointer(counter))
    }

    /// What the service thread's cache keeps of it.
    @usableFromInline var counting: (counter: UnsafeMutablePointer<UInt64>, metrics: MethodMetrics?) { (counter, metrics) }

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
    /// The last method's metric objects; touched only when `lastHasMetrics`.
    @usableFromInline var lastMetrics: MethodMetrics?
    /// The methods seen before the last one, by key: an array, as a service has few methods.
    @usableFromInline var earlier: ContiguousArray<(key: UInt, counter: UnsafeMutablePointer<UInt64>, metrics: MethodMetrics?)> = []
    /// Last, so that the loop's one-byte fields pack after it.
    @usableFromInline var lastHasMetrics = false

    @inlinable
    init() {}

    /// Notes one handled message for `method`, counting it when `counting`. Returns its
    /// metric objects when metrics are on, `nil` otherwise. Cost: a comparison and two memory
    /// accesses when the method is the same as the previous message's, a scan of the methods
    /// seen so far otherwise.
    @inlinable @inline(__always)
    mutating func noteHandled(_ method: StaticString, counting: Bool, in service: borrowing ServiceStatistics) -> MethodMetrics? {
        let key = method._observabilityKey
        if key != lastKey || lastCounter == nil { miss(method, key: key, in: service) }
        if counting {
            let counter = lastCounter.unsafelyUnwrapped
            nano_atomic_store_relaxed_u64(counter, nano_atomic_load_relaxed_u64(counter) &+ 1)
        }
        return lastHasMetrics ? lastMetrics : nil
    }

    @usableFromInline
    mutating func miss(_ method: StaticString, key: UInt, in service: borrowing ServiceStatistics) {
        // Keep the method being left, so that coming back to it takes no lock.
        if let lastCounter, !earlier.contains(where: { $0.key == lastKey }) { earlier.append((lastKey, lastCounter, lastMetrics)) }
        let found = earlier.first(where: { $0.key == key }).map { (counter: $0.counter, metrics: $0.metrics) }
            ?? service.methodStatistics(for: method, key: key).counting
        lastKey = key
        lastCounter = found.counter
        lastMetrics = found.metrics
        lastHasMetrics = found.metrics != nil
    }
}
