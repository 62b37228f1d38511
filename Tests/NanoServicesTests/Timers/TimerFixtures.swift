import Foundation
import NanoServices
import Synchronization

/// Holds a service inside a method until the test releases it.
final class TimerGate: Sendable {
    private let entered = Atomic<Bool>(false)
    private let released = DispatchSemaphore(value: 0)

    /// Service thread: announce, then block until ``release()``.
    func waitForRelease() {
        entered.store(true, ordering: .releasing)
        released.wait()
    }

    func release() { released.signal() }

    /// Test: returns once the service is inside the method.
    func waitUntilEntered() async throws {
        while !entered.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(1)) }
    }
}

struct TickFailure: Error {}

/// A service whose timers record their keys, in order, with the methods around them.
@NanoService
final class Metronome {
    private var log: [String] = []
    private let onTick: (@Sendable (String) -> Void)?

    init(startingEvery interval: Duration? = nil, onTick: (@Sendable (String) -> Void)? = nil) {
        self.onTick = onTick
        if let interval { timers.start("beat", every: interval) { $0.record("beat") } }
    }

    public func after(_ key: String, _ delay: Duration) { timers.start(key, after: delay) { $0.record(key) } }
    public func every(_ key: String, _ interval: Duration) { timers.start(key, every: interval) { $0.record(key) } }
    public func every(_ key: String, _ interval: Duration, firstAfter: Duration) {
        timers.start(key, every: interval, firstAfter: firstAfter) { $0.record(key) }
    }
    public func fixedDelay(_ key: String, _ delay: Duration) { timers.start(key, fixedDelay: delay) { $0.record(key) } }
    public func failing(_ key: String, _ delay: Duration) { timers.start(key, after: delay) { _ in throw TickFailure() } }
    /// A one-shot timer that starts itself again from its own tick.
    public func rearming(_ key: String, _ delay: Duration) {
        timers.start(key, after: delay) { metronome in
            metronome.record(key)
            metronome.rearming(key, delay)
        }
    }

    /// A timer whose action starts asynchronous work: an `async` cast to the service itself.
    public func asyncOnTick(_ key: String, _ delay: Duration) {
        timers.start(key, after: delay) { _ in Metronome.Service.unownedCurrent!.recordLater(key) }
    }

    @Cast public func recordLater(_ event: String) async {
        await Task.yield()
        record(event + " (async)")
    }

    public func cancel(_ key: String) -> Bool { timers.cancel(key) }
    public func cancelAll() { timers.cancelAll() }
    public func isActive(_ key: String) -> Bool { timers.isActive(key) }
    public func activeCount() -> Int { timers.count }
    public func recorded() -> [String] { log }

    /// Blocks the service until the gate opens.
    public func hold(_ gate: TimerGate) {
        record("hold-begin")
        gate.waitForRelease()
        record("hold-end")
    }

    /// Blocks until the gate opens, then starts a new timer under `key` (ticks `key'`).
    public func holdThenRestart(_ gate: TimerGate, _ key: String, _ interval: Duration) {
        gate.waitForRelease()
        timers.start(key, every: interval) { $0.record(key + "'") }
    }

    public func holdThenCancel(_ gate: TimerGate, _ key: String) {
        gate.waitForRelease()
        timers.cancel(key)
    }

    /// Misuse: reads `timers` from a plain `Task` started by a method (off the service's thread).
    public func startFromPlainTask() async {
        nonisolated(unsafe) let me = self
        await Task { me.timers.start("k", after: .seconds(1)) { _ in } }.value
    }

    public func holdThenCancelAll(_ gate: TimerGate) {
        gate.waitForRelease()
        timers.cancelAll()
    }

    /// A repeating timer whose action cancels its own key on its `ticks`-th tick.
    public func everyUntil(_ key: String, _ interval: Duration, ticks: Int) {
        var seen = 0
        timers.start(key, every: interval) { metronome in
            seen += 1
            metronome.record(key)
            if seen == ticks { metronome.timers.cancel(key) }
        }
    }

    /// A handle to itself that does not keep it running.
    public func unownedSelf() -> Metronome.Service { Metronome.Service.unownedCurrent! }

    private func record(_ event: String) {
        log.append(event)
        onTick?(event)
    }
}

/// A clock that is not one of the clocks the runtime knows: served by a task sleeping on it.
struct WrappedClock: Clock {
    typealias Instant = ContinuousClock.Instant
    let base = ContinuousClock()
    var now: Instant { base.now }
    var minimumResolution: Duration { base.minimumResolution }
    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try await base.sleep(until: deadline, tolerance: tolerance)
    }
}
