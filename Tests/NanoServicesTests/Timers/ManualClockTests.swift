import NanoServices
import Testing

@Suite("ManualClock", .timeLimit(.minutes(15)))
struct ManualClockTests {
    @Test("sleep resumes when the clock is advanced past the deadline, not before")
    func sleepResumesOnAdvance() async throws {
        let clock = ManualClock()
        let woke = Protected(false)
        let deadline = clock.now.advanced(by: .seconds(5))
        let sleeper = Task {
            try await clock.sleep(until: deadline)
            woke.withLock { $0 = true }
        }
        clock.advance(by: .seconds(4))
        #expect(woke.withLock { $0 } == false)
        // The task may not have registered yet: advancing past the deadline wakes it either way.
        clock.advance(by: .seconds(1))
        try await sleeper.value
        #expect(woke.withLock { $0 })
        #expect(clock.now == .init(offset: .seconds(5)))
    }

    @Test("sleep until a passed deadline returns at once; cancelling a sleep throws")
    func sleepEdges() async throws {
        let clock = ManualClock(now: .init(offset: .seconds(10)))
        try await clock.sleep(until: .init(offset: .seconds(3)))
        let deadline = clock.now.advanced(by: .seconds(1))
        let sleeper = Task { try await clock.sleep(until: deadline) }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test("advance(to:) an earlier instant leaves the time as it is")
    func neverBack() {
        let clock = ManualClock()
        clock.advance(by: .seconds(2))
        clock.advance(to: .init(offset: .seconds(1)))
        #expect(clock.now.offset == .seconds(2))
    }
}
