import CNanoServicesShims

/// How long a service thread lets messages pile up between two takes from its mailbox while
/// they keep coming.
///
/// Every take trades the mailbox lock's cache lines between the consumer and the senders, and
/// a consumer that takes as soon as anything is there, being faster than its senders, takes
/// one or two messages at a time and makes every send wait for the lock. So while a *dense*
/// stream arrives (at least one message per ``denseSpacing`` since the last take, and the
/// messages were already waiting when the consumer looked), the consumer lets the next batch
/// build up for `interval`, doubling it (up to ``longest``) while batches stay small and
/// halving it when they get large. Anything sparser — calls answered one at a time, a few
/// concurrent callers, a trickle of casts — and the moment the consumer finds its mailbox
/// empty, the interval falls back to ``shortest``: such messages are taken without delay.
///
/// Time is in ``nano_ticks()`` units (the CPU's counter: ≈13 ns a read here, against ≈33 ns for
/// the clock), the same read the consumer loop uses for busy time: the constants below are
/// given in nanoseconds and converted once, when the mailbox is made.
///
/// Cost: one counter read per take. The delay it adds to a message is at most ``longest``, and
/// only while the service is receiving a stream.
///
/// Not thread-safe: the consumer's own state (it lives on a cache line of its own, see
/// ``Mailbox``; 32 bytes).
@usableFromInline
struct BatchPacing {
    /// When the consumer last took a batch (ticks).
    @usableFromInline var lastTake: UInt64 = 0
    /// The current minimum time between two takes (ticks).
    @usableFromInline var interval: UInt64
    /// ``shortestNanoseconds``, ``longestNanoseconds`` and ``denseSpacingNanoseconds`` in ticks.
    @usableFromInline let shortest: UInt32, longest: UInt32, denseSpacing: UInt32

    /// The interval for a consumer that has just been idle: 250 ns.
    @inlinable static var shortestNanoseconds: Double { 250 }
    /// The longest the consumer lets a stream pile up: 8 µs.
    @inlinable static var longestNanoseconds: Double { 8_000 }
    /// Messages closer together than this, on average, make a dense stream: 100 ns (10 M/s).
    @inlinable static var denseSpacingNanoseconds: Double { 100 }
    /// A batch this size amortizes a take well; smaller ones make the interval grow.
    @inlinable static var wantedBatch: Int { 128 }

    /// - Parameter nanosecondsPerTick: the length of one unit of the times given to
    ///   ``took(_:at:waiting:)`` (1 for nanoseconds).
    @inlinable init(nanosecondsPerTick: Double = nano_nanoseconds_per_tick()) {
        func ticks(_ nanoseconds: Double) -> UInt32 {
            UInt32(clamping: Int64(max(1, (nanoseconds / nanosecondsPerTick).rounded())))
        }
        (shortest, longest, denseSpacing) =
            (ticks(Self.shortestNanoseconds), ticks(Self.longestNanoseconds), ticks(Self.denseSpacingNanoseconds))
        interval = UInt64(shortest)
    }

    /// The earliest instant the next take should happen (ticks).
    @inlinable var earliestNextTake: UInt64 { lastTake &+ interval }

    /// The consumer took `count` messages at `now` (ticks); `waiting` tells whether they were
    /// already there when it looked (a stream), rather than arriving while it spun or slept.
    @inlinable @inline(__always)
    mutating func took(_ count: Int, at now: UInt64, waiting: Bool) {
        let elapsed = now &- lastTake
        lastTake = now
        guard waiting, UInt64(count) &* UInt64(denseSpacing) >= elapsed else {
            interval = UInt64(shortest)
            return
        }
        if count < Self.wantedBatch {
            interval = min(interval &* 2, UInt64(longest))
        } else if count > 4 * Self.wantedBatch {
            interval = max(interval / 2, UInt64(shortest))
        }
    }

    /// The consumer found its mailbox empty: no stream, no delay before the next take.
    @inlinable @inline(__always)
    mutating func foundEmpty() { interval = UInt64(shortest) }
}
