import Foundation
import NanoServices
import Synchronization

/// An event of the pub/sub tests: who published it, and its place in that publisher's stream.
struct Tick: Sendable, Equatable {
    let publisher: Int
    let sequence: Int
}

/// What a `Listener` saw. Every check runs on the listener's own thread.
struct ListenerTally: Sendable, Equatable {
    /// Events received, all publishers together.
    var received = 0
    /// Events that were not the next one of their publisher (lost, repeated or reordered).
    var outOfOrder = 0
    /// Events handled anywhere but on the listener's own, named service thread.
    var wrongThread = 0
    /// Per publisher: the last sequence number seen, -1 before the first.
    var lastSequence = [Int](repeating: -1, count: 8)
}

/// Where a `Listener` leaves its tally when it is released, so it can be read after a stop.
final class ListenerProbe: Sendable {
    let final = Protected<ListenerTally?>(nil)
}

/// A subscriber service that checks order and thread identity of every event it receives.
@NanoService
final class Listener {
    private let expectedName: String
    private let ownThread: UInt
    private let probe: ListenerProbe?
    private var tally = ListenerTally()

    init(expectedName: String, probe: ListenerProbe? = nil) {
        self.expectedName = expectedName
        self.probe = probe
        ownThread = ThreadInfo.currentID
    }

    deinit {
        let tally = tally
        probe?.final.withLock { $0 = tally }
    }

    public func receive(_ tick: Tick) {
        tally.received += 1
        if ThreadInfo.currentID != ownThread || CurrentService.name != expectedName {
            tally.wrongThread += 1
        }
        if tick.sequence != tally.lastSequence[tick.publisher] + 1 {
            tally.outOfOrder += 1
        }
        tally.lastSequence[tick.publisher] = tick.sequence
    }

    public func currentTally() -> ListenerTally { tally }
}

/// A subscriber whose handler waits for a gate: a slow consumer.
@NanoService
final class StalledSubscriber {
    private let gate: DispatchSemaphore
    private let entered: DispatchSemaphore

    init(gate: DispatchSemaphore, entered: DispatchSemaphore) {
        self.gate = gate
        self.entered = entered
    }

    public func receive(_ tick: Tick) {
        entered.signal()
        gate.wait()
    }
}
