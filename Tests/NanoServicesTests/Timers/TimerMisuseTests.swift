import NanoServices
import Testing

/// Misuse stops the program with a message (a precondition): exit tests.
@Suite("Timers: misuse")
struct TimerMisuseTests {
    @Test("timers used off the service's thread stop the program, saying why")
    func offThread() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let notAService = Metronome()
            notAService.after("k", .seconds(1))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("'timers' of 'Metronome' read off its service's thread"))
    }

    @Test("a non-positive interval stops the program")
    func nonPositiveInterval() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let metronome = try Metronome.Service(options: .init(clock: ManualClock()))
            metronome.every("k", .zero)
            _ = try await metronome.activeCount()
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("timers.start(_:every:) needs a positive interval"))
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
