import Foundation
import NanoServices
import Synchronization

/// Counts how many answers were released (dropped or delivered).
final class ReleaseCounter: Sendable {
    let released = Atomic<Int>(0)
    let napsStarted = Atomic<Int>(0)
}

/// An answer whose release is counted: proves late answers are dropped, not leaked.
final class Answer: Sendable {
    let value: Int
    let counter: ReleaseCounter
    init(value: Int, counter: ReleaseCounter) {
        self.value = value
        self.counter = counter
    }
    deinit { counter.released.add(1, ordering: .relaxed) }
}

/// A service whose methods take as long as they are told to.
@NanoService
final class Sleeper {
    private let counter: ReleaseCounter
    private var answered = 0

    init(counter: ReleaseCounter) { self.counter = counter }

    public func nap(milliseconds: Int) -> Int {
        counter.napsStarted.add(1, ordering: .relaxed)
        usleepMilliseconds(milliseconds)
        answered += 1
        return answered
    }

    public func answer() -> Answer {
        answered += 1
        return Answer(value: answered, counter: counter)
    }

    public func ping() -> Int { answered }

    /// Blocks the service until `gate` is signalled.
    public func hold(until gate: DispatchSemaphore) -> Int {
        counter.napsStarted.add(1, ordering: .relaxed)
        gate.wait()
        return answered
    }
}

/// A node that relays a call to its peer: peers arranged in a ring deadlock.
@NanoService
final class Relay {
    private let label: String
    private var peer: Relay.Service?

    init(label: String) { self.label = label }

    @Call public func connect(to peer: Relay.Service?) { self.peer = peer }

    /// Calls the peer `hops` times around; each hop blocks its service until the next answers.
    public func relay(hops: Int) throws -> String {
        guard hops > 0, let peer else { return label }
        return label + ">" + (try peer.relay(hops: hops - 1))
    }

    public func ping() -> String { label }
}

/// A stage of a directed acyclic graph of services: each call fans out to the stages below.
@NanoService
final class Stage {
    private var downstream: [Stage.Service] = []

    init() {}

    @Call public func connect(to downstream: [Stage.Service]) { self.downstream = downstream }

    /// Returns how many `work` calls this one caused, itself included.
    public func work() throws -> Int {
        var calls = 1
        for stage in downstream { calls += try stage.work() }
        return calls
    }
}

/// Counts what a flooded service handled.
final class SinkCounters: Sendable {
    let handled = Atomic<Int>(0)
}

/// A slow consumer, to fill bounded mailboxes.
@NanoService
final class Sink {
    private let counters: SinkCounters
    private let gate: DispatchSemaphore?

    init(counters: SinkCounters, gate: DispatchSemaphore? = nil) {
        self.counters = counters
        self.gate = gate
    }

    /// Waits for the gate (if any, once), then works ~20 µs.
    public func absorb(_ value: Int) {
        if let gate { gate.wait(); gate.signal() }
        let until = ContinuousClock.now + .microseconds(20)
        while ContinuousClock.now < until {}
        counters.handled.add(1, ordering: .relaxed)
    }

    @Call public func absorbAndConfirm(_ value: Int) {
        absorb(value)
    }
}

/// Whether this process runs under the Thread Sanitizer (which slows everything ~10×):
/// stress tests scale their counts down there.
let isThreadSanitized: Bool = dlsym(dlopen(nil, RTLD_NOW), "__tsan_init") != nil

/// Stops (and joins) a peer that may be blocked calling it back.
@NanoService
final class Joiner {
    private var peer: Caller.Service?

    init() {}

    @Call public func connect(to peer: Caller.Service) { self.peer = peer }

    /// Holds the service until `release` is signalled, after signalling `entered`.
    public func hold(entered: DispatchSemaphore, release: DispatchSemaphore) {
        entered.signal()
        release.wait()
    }

    /// `stop()` on the peer: a graceful stop request, then a join.
    public func stopPeer() throws { try peer?.control.stop() }

    public func ping() -> String { "pong" }

    @Call public func disconnect() { peer = nil }
}

/// Calls a `Joiner` from its own thread and keeps the outcome.
@NanoService
final class Caller {
    private let target: Joiner.Service
    private var outcome = "none"

    init(target: Joiner.Service) { self.target = target }

    /// Blocks this service's thread on a call to the target.
    public func callTarget() {
        outcome = (try? target.ping()) ?? "failed"
    }

    public func lastOutcome() -> String { outcome }
}

/// A service with a small `.block` mailbox that casts to others (or itself) from its methods.
@NanoService
final class RoomTaker {
    private var me: RoomTaker.Service?
    private var absorbed = 0

    init() {}

    @Call public func remember(_ handle: RoomTaker.Service?) { me = handle }

    public func hold(entered: DispatchSemaphore, release: DispatchSemaphore) {
        entered.signal()
        release.wait()
    }

    /// Casts `count` values to `other` (waiting for room when its mailbox is full).
    @Call public func flood(_ other: RoomTaker.Service, count: Int) {
        for value in 0..<count { other.absorb(value) }
    }

    /// Casts `count` values to itself.
    @Call public func floodSelf(count: Int) {
        for value in 0..<count { me?.absorb(value) }
    }

    /// Blocks this service's thread on a call to `other`.
    public func callBack(_ other: RoomTaker.Service) { _ = try? other.ping() }

    /// Calls `other` (waiting for room when its mailbox is full): "ok", or the error's code.
    public func callInto(_ other: RoomTaker.Service) -> String {
        do {
            return try other.ping() == "pong" ? "ok" : "wrong answer"
        } catch let error as ServiceError {
            return "\(error.code)"
        } catch {
            return "other"
        }
    }

    public func ping() -> String { "pong" }

    public func absorb(_ value: Int) { absorbed += 1 }

    public func received() -> Int { absorbed }
}
