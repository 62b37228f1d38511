import NanoServices
import Testing

/// A service with a timer in a module whose default isolation is `MainActor`: the timer's
/// action runs on the service's thread, not the main actor.
@NanoService
nonisolated final class Pulse {
    private var beats = 0
    init() { timers.start("beat", every: .seconds(1)) { $0.beat() } }
    func beat() { beats += 1 }
    public func count() -> Int { beats }
}

@Suite("Timers with MainActor default isolation")
struct TimerIsolationTests {
    @Test("a timer ticks on the service's thread")
    func ticks() async throws {
        let clock = ManualClock()
        let pulse = try Pulse.Service(options: .init(clock: clock))
        #expect(try await pulse.count() == 0)
        clock.advance(by: .seconds(1))
        #expect(try await pulse.count() == 1)
    }
}
