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
        let fixedDelay = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let metronome = try Metronome.Service(options: .init(clock: ManualClock()))
            metronome.fixedDelay("k", .seconds(-1))
            _ = try await metronome.activeCount()
        }
        let fixedDelayMessage = String(decoding: fixedDelay?.standardErrorContent ?? [], as: UTF8.self)
        #expect(fixedDelayMessage.contains("timers.start(_:fixedDelay:) needs a positive delay"))
        let after = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let metronome = try Metronome.Service(options: .init(clock: ManualClock()))
            metronome.after("k", .seconds(-1))
            _ = try await metronome.activeCount()
        }
        let afterMessage = String(decoding: after?.standardErrorContent ?? [], as: UTF8.self)
        #expect(afterMessage.contains("timers.start(_:after:) needs a delay that is not negative"))
        let firstAfter = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let metronome = try Metronome.Service(options: .init(clock: ManualClock()))
            metronome.every("k", .seconds(1), firstAfter: .seconds(-1))
            _ = try await metronome.activeCount()
        }
        let firstAfterMessage = String(decoding: firstAfter?.standardErrorContent ?? [], as: UTF8.self)
        #expect(firstAfterMessage.contains("needs a 'firstAfter' that is not negative"))
    }

    @Test("timers read from a plain Task started by a method stop the program, saying why")
    func fromPlainTask() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let metronome = try Metronome.Service(options: .init(clock: ManualClock()))
            try await metronome.startFromPlainTask()
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("'timers' of 'Metronome' read off its service's thread"))
    }
}
