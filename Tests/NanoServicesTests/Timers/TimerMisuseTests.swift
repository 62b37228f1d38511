import NanoServices
import Testing

/// Misuse stops the program with a message (a precondition): exit tests.
@Suite("Timers: misuse")
struct TimerMisuseTests {
    @Test("timers used off the service's thread stop the program")
    func offThread() async {
        await #expect(processExitsWith: .failure) {
            let notAService = Metronome()
            notAService.after("k", .seconds(1))
        }
    }

    @Test("a non-positive interval stops the program")
    func nonPositiveInterval() async {
        await #expect(processExitsWith: .failure) {
            let metronome = try Metronome.Service(options: .init(clock: ManualClock()))
            metronome.every("k", .zero)
            _ = try await metronome.activeCount()
        }
        await #expect(processExitsWith: .failure) {
            let metronome = try Metronome.Service(options: .init(clock: ManualClock()))
            metronome.fixedDelay("k", .seconds(-1))
            _ = try await metronome.activeCount()
        }
        await #expect(processExitsWith: .failure) {
            let metronome = try Metronome.Service(options: .init(clock: ManualClock()))
            metronome.after("k", .seconds(-1))
            _ = try await metronome.activeCount()
        }
    }
}
