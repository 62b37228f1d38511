import Foundation
import NanoServices
import Synchronization

/// Counts how many of a service's methods run at the same moment (must never exceed 1).
final class Overlap: Sendable {
    let inside = Atomic<Int>(0)
    let most = Atomic<Int>(0)
    /// Methods finished so far.
    let finished = Atomic<Int>(0)

    func enter() {
        let now = inside.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
        var seen = most.load(ordering: .relaxed)
        while now > seen {
            let (exchanged, original) = most.compareExchange(expected: seen, desired: now, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
    }

    func leave() {
        inside.wrappingSubtract(1, ordering: .acquiringAndReleasing)
        finished.wrappingAdd(1, ordering: .relaxed)
    }
}

/// A pooled worker: records the order of each sender's values, the threads it ran on, and
/// whether two of its methods ever overlapped.
@NanoService
final class PoolWorker {
    private let overlap: Overlap
    private var lastBySender: [Int: Int] = [:]
    private var outOfOrder = 0
    private var total = 0
    private var threadNames: Set<String> = []

    init(overlap: Overlap) { self.overlap = overlap }

    /// Cast: `value` is the `sender`'s n-th message, counting from 0.
    public func add(_ value: Int, from sender: Int) {
        overlap.enter()
        defer { overlap.leave() }
        if value != lastBySender[sender, default: -1] + 1 { outOfOrder += 1 }
        lastBySender[sender] = value
        total += 1
    }

    /// Cast: about `microseconds` of work.
    public func work(microseconds: Int) {
        overlap.enter()
        defer { overlap.leave() }
        let until = DispatchTime.now().uptimeNanoseconds + UInt64(microseconds) * 1_000
        while DispatchTime.now().uptimeNanoseconds < until {}
        total += 1
    }

    public func count() -> Int { total }

    public func misordered() -> Int { outOfOrder }

    public func threadName() -> String {
        let name = ThreadInfo.currentName
        threadNames.insert(name)
        return name
    }

    public func ping(_ value: Int) -> Int { value + 1 }

    /// How many methods `other`'s service had finished when this one ran.
    public func progress(of other: Overlap) -> Int { other.finished.load(ordering: .relaxed) }

    /// How many of `service`'s methods had finished (counted by `progress`) and how deep its
    /// mailbox was, when this one ran.
    public func observe(_ service: PoolWorker.Service, progress: Overlap) -> [Int] {
        [progress.finished.load(ordering: .relaxed), service.control.snapshot().mailboxDepth]
    }
}

/// A pooled service that blocks its pool thread in ways other than a call.
@NanoService
final class PoolBlocker {
    init() {}

    /// Casts `count` values to `sink`, waiting for room whenever its bounded mailbox is full.
    public func feed(_ sink: Sink.Service, count: Int) -> Int {
        for value in 0..<count { sink.absorb(value) }
        return count
    }

    /// Stops `other` and waits (sync `join`) until it has ended.
    public func stopAndJoin(_ other: Counter.Service) throws -> String {
        try other.control.stop()
        return "\(other.control.state)"
    }
}

/// A pooled service that tries to shut its own pool down.
@NanoService
final class PoolCloser {
    private let pool: ServicePool

    init(pool: ServicePool) { self.pool = pool }

    public func closePool() throws { try pool.shutdown() }

    public func ping() -> String { "pong" }
}
