import NanoServices
import Testing

/// A supervised service with a timer: a restart must end the failed instance's timers.
@NanoService
final class TimedWorker {
    private var log: [String] = []

    init() {}

    @Call public func arm(_ key: String, every interval: Duration) {
        timers.start(key, every: interval) { $0.log.append(key) }
    }
    @Cast public func crash() throws { throw WorkerCrash(reason: "timed worker") }
    public func recorded() -> [String] { log }
    public func activeTimers() -> Int { timers.count }
}

@Suite("Supervision: a restart ends the failed instance's timers", .timeLimit(.minutes(15)))
struct RestartTimerTests {
    /// Whether the tick is queued behind the failure or its deadline passes after the restart,
    /// no tick of the old instance's timer reaches the new instance.
    @Test("no tick of a timer started by the failed instance reaches the new one")
    func restartEndsTimers() async throws {
        let clock = ManualClock()
        let supervisor = Supervisor(name: "timed", backoff: .none)
        let worker = try supervisor.start(TimedWorker.self, options: .init(clock: clock)) { TimedWorker() }
        try await worker.arm("beat", every: .seconds(1))
        worker.crash()
        clock.advance(by: .seconds(1))          // a tick may be queued behind the failure
        #expect(try await worker.recorded() == [])
        #expect(try await worker.activeTimers() == 0)
        clock.advance(by: .seconds(5))          // and none comes later
        #expect(try await worker.recorded() == [])
        let snapshot = worker.control.snapshot()
        #expect(snapshot.restarts == 1)
        #expect(snapshot.timerTicksHandled == 0)
        // The new instance's own timers work as usual.
        try await worker.arm("fresh", every: .seconds(1))
        clock.advance(by: .seconds(1))
        #expect(try await worker.recorded() == ["fresh"])
        await supervisor.stop()
    }
}
