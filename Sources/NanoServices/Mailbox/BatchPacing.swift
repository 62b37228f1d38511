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
/// Cost: one clock read per take. The delay it adds to a message is at most ``longest``, and
/// only while the service is receiving a stream.
///
/// Not thread-safe: the consumer's own state (it lives on a cache line of its own, see
/// ``Mailbox``).
@usableFromInline
struct BatchPacing {
    /// When the consumer last took a batch (monotonic ns).
    @usableFromInline var lastTake: UInt64 = 0
    /// The current minimum time between two takes.
    @usableFromInline var interval: UInt64 = BatchPacing.shortest

    /// The interval for a consumer that has just been idle: 250 ns.
    @inlinable static var shortest: UInt64 { 250 }
    /// The longest the consumer lets a stream pile up: 8 µs.
    @inlinable static var longest: UInt64 { 8_000 }
    /// A batch this size amortizes a take well; smaller ones make the interval grow.
    @inlinable static var wantedBatch: Int { 128 }
    /// Messages closer together than this, on average, make a dense stream: 100 ns (10 M/s).
    @inlinable static var denseSpacing: UInt64 { 100 }

    @inlinable init() {}

    /// The earliest instant the next take should happen.
    @inlinable var earliestNextTake: UInt64 { lastTake &+ interval }

    /// The consumer took `count` messages at `now`; `waiting` tells whether they were already
    /// there when it looked (a stream), rather than arriving while it spun or slept.
    @inlinable @inline(__always)
    mutating func took(_ count: Int, at now: UInt64, waiting: Bool) {
        let elapsed = now &- lastTake
        lastTake = now
        guard waiting, UInt64(count) &* Self.denseSpacing >= elapsed else {
            interval = Self.shortest
            return
        }
        if count < Self.wantedBatch {
            interval = min(interval &* 2, Self.longest)
        } else if count > 4 * Self.wantedBatch {
            interval = max(interval / 2, Self.shortest)
        }
    }

    /// The consumer found its mailbox empty: no stream, no delay before the next take.
    @inlinable @inline(__always)
    mutating func foundEmpty() { interval = Self.shortest }
}
