import Foundation
import NanoServices
import Synchronization

/// What an ``InlineProbe`` saw when a call ran: the values appended so far and the thread.
struct ProbeReport: Sendable, Equatable {
    let values: [Int]
    let threadID: UInt
    let threadName: String
}

/// A pooled service for the inline-call tests: every method counts itself in `overlap` (two
/// methods running at once shows as 2), records values in order, and reports its thread.
@NanoService
final class InlineProbe {
    private let overlap: Overlap
    private var values: [Int] = []

    init(overlap: Overlap) { self.overlap = overlap }

    /// Cast: keeps the service busy until `gate` is signalled (after signalling `entered`).
    public func hold(until gate: DispatchSemaphore, entered: DispatchSemaphore) {
        overlap.enter()
        defer { overlap.leave() }
        entered.signal()
        gate.wait()
    }

    /// Cast: appends `value`.
    public func append(_ value: Int) {
        overlap.enter()
        defer { overlap.leave() }
        values.append(value)
    }

    /// Call: sleeps `milliseconds`, then reports (busy time of a call run inline).
    public func pause(milliseconds: Int) -> ProbeReport {
        Thread.sleep(forTimeInterval: Double(milliseconds) / 1000)
        return report()
    }

    /// Call: the values so far and the thread running this method.
    public func report() -> ProbeReport {
        overlap.enter()
        defer { overlap.leave() }
        return ProbeReport(values: values, threadID: ThreadInfo.currentID, threadName: ThreadInfo.currentName)
    }

    /// Call: casts `value` to `next` (which becomes ready), then asks `via` (a service with a
    /// thread of its own) for `next`'s report, blocking this pool thread until `next` has run.
    public func append(_ value: Int, to next: InlineProbe.Service, thenAskVia via: InlineProbe.Service) throws -> ProbeReport {
        next.append(value)
        return try via.timingOut(after: .seconds(60)).report(of: next)
    }

    /// Call: spawns a `Journal` (whose initializer can throw, so the spawn waits for it) on
    /// `pool`, and returns its line count.
    public func spawnJournal(on pool: ServicePool) throws -> Int {
        let journal = try Journal.Service(path: "journal", options: .init(placement: .pool(pool)))
        return try journal.count()
    }

    /// Call: `other`'s report, by a blocking call.
    public func report(of other: InlineProbe.Service) throws -> ProbeReport {
        try other.report()
    }

    /// Call that moves its argument (`sending`): the values' count and the thread running it.
    /// Such a call is sent as a message even when it runs inline (no direct fast path).
    public func count(_ moved: sending [Int]) -> ProbeReport {
        ProbeReport(values: [moved.count], threadID: ThreadInfo.currentID, threadName: ThreadInfo.currentName)
    }

    /// Call: always throws its own error, which says which thread ran the method.
    public func refuse(_ code: Int) throws -> Int {
        throw ProbeRefusal(code: code, threadID: ThreadInfo.currentID)
    }

    /// Call: about `microseconds` of work; returns the thread that ran it.
    public func work(microseconds: Int) -> UInt {
        overlap.enter()
        defer { overlap.leave() }
        let until = DispatchTime.now().uptimeNanoseconds + UInt64(microseconds) * 1_000
        while DispatchTime.now().uptimeNanoseconds < until {}
        return ThreadInfo.currentID
    }
}

/// The error ``InlineProbe/refuse(_:)`` throws.
struct ProbeRefusal: Error, Equatable {
    let code: Int
    let threadID: UInt
}

/// Shared by a pair of ``Bouncer``s: how many bounces ran, and whether to stop.
final class BounceState: Sendable {
    let hops = Atomic<Int>(0)
    let stopped = Atomic<Bool>(false)
}

/// A pooled service that casts a ball back to its peer, forever (until `state.stopped`):
/// with the run-next slot, the pair would keep a pool thread to itself without its bound.
@NanoService
final class Bouncer {
    private let state: BounceState
    private var peer: Bouncer.Service?

    init(state: BounceState) { self.state = state }

    @Call public func connect(to peer: Bouncer.Service?) { self.peer = peer }

    /// Cast: counts a hop and casts the ball back.
    public func bounce() {
        state.hops.add(1, ordering: .relaxed)
        if !state.stopped.load(ordering: .relaxed) { peer?.bounce() }
    }
}
