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

    @Test("nextSleep reports each sleep once, in order, with the duration asked; a sleep begun earlier is reported at once")
    func nextSleepReportsSleeps() async throws {
        let clock = ManualClock()
        let first = Task { try await clock.sleep(until: clock.now.advanced(by: .seconds(3))) }
        #expect(try await clock.nextSleep() == .seconds(3))  // waits for the task to sleep
        clock.advance(by: .seconds(1))
        let second = Task { try await clock.sleep(until: clock.now.advanced(by: .milliseconds(250))) }
        #expect(try await clock.nextSleep() == .milliseconds(250))
        clock.advance(by: .seconds(2))
        try await first.value
        try await second.value
        // A deadline already passed is no sleep: nothing is reported for it.
        try await clock.sleep(until: .init(offset: .zero))
        let third = Task { try await clock.sleep(until: clock.now.advanced(by: .seconds(7))) }
        try await Task.sleep(for: .milliseconds(50))  // lets it begin first, whatever the speed: reported either way
        #expect(try await clock.nextSleep() == .seconds(7))
        clock.advance(by: .seconds(7))
        try await third.value
    }

    @Test("nextSleep throws CancellationError when its task is cancelled while no sleep comes")
    func nextSleepCancelled() async throws {
        let clock = ManualClock()
        let watcher = Task { try await clock.nextSleep() }
        watcher.cancel()
        await #expect(throws: CancellationError.self) { try await watcher.value }
    }
}
