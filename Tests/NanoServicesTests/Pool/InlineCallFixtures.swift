import Foundation
import NanoServices

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

    /// Call: the values so far and the thread running this method.
    public func report() -> ProbeReport {
        overlap.enter()
        defer { overlap.leave() }
        return ProbeReport(values: values, threadID: ThreadInfo.currentID, threadName: ThreadInfo.currentName)
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
