import NanoServices
import Testing

/// Timers end with their service and never keep it running.
@Suite("Timers: lifetime", .timeLimit(.minutes(15)))
struct TimerLifetimeTests {
    let clock = ManualClock()

    @Test("a tick queued before a graceful stop is skipped; the timer fires no more")
    func stopEndsTimers() async throws {
        let metronome = try Metronome.Service(startingEvery: .seconds(1), options: .init(clock: clock))
        #expect(try await metronome.activeCount() == 1)
        let gate = TimerGate()
        metronome.hold(gate)
        try await gate.waitUntilEntered()
        clock.advance(by: .seconds(1))            // a tick is queued
        metronome.control.requestStop(.graceful)  // then the stop
        gate.release()
        try await metronome.control.join()
        clock.advance(by: .seconds(5))
        let snapshot = metronome.control.snapshot()
        #expect(snapshot.timerTicksHandled == 0)
        #expect(snapshot.timerTicksSkipped == 1)
        #expect(snapshot.timerTicksCoalesced == 0)
        #expect(snapshot.handledByMethod["hold(_:)"] == 1)
    }

    @Test("a service whose only reference is its own timer stops when its handles are released")
    func timerDoesNotKeepServiceAlive() async throws {
        var owner: Metronome.Service? = try Metronome.Service(startingEvery: .seconds(1), options: .init(clock: clock))
        let unowned = try await owner!.unownedSelf()
        clock.advance(by: .seconds(1))
        #expect(try await unowned.recorded() == ["beat"])
        owner = nil
        try await unowned.control.join()  // ends: the armed timer did not keep it running
        #expect(unowned.control.state == .stopped)
        clock.advance(by: .seconds(1))
        #expect(unowned.control.snapshot().timerTicksHandled == 1)
    }

    @Test("an immediate stop rejects a queued tick: counted as skipped, not as a dropped cast")
    func immediateStop() async throws {
        let metronome = try Metronome.Service(startingEvery: .seconds(1), options: .init(clock: clock))
        #expect(try await metronome.activeCount() == 1)
        let gate = TimerGate()
        metronome.hold(gate)
        try await gate.waitUntilEntered()
        clock.advance(by: .seconds(1))
        metronome.control.requestStop(.immediate)
        gate.release()
        try await metronome.control.join()
        let snapshot = metronome.control.snapshot()
        #expect(snapshot.timerTicksSkipped == 1)
        #expect(snapshot.castsDropped == 0)
    }

    @Test("with the default clock a tick arrives (real time, generous limit)")
    func realClock() async throws {
        let (ticks, continuation) = AsyncStream<String>.makeStream()
        let metronome = try Metronome.Service(onTick: { continuation.yield($0) })
        metronome.after("later", .seconds(3600))    // the timer thread sleeps until this one...
        metronome.after("real", .milliseconds(10))  // ...and is woken for an earlier one
        var iterator = ticks.makeAsyncIterator()
        #expect(await iterator.next() == "real")
        try await metronome.control.stop()
    }

    @Test("SuspendingClock timers fire too; ContinuousClock and SuspendingClock have one shared timer thread each, whatever the number of services")
    func sharedTimerThreads() async throws {
        let (ticks, continuation) = AsyncStream<String>.makeStream()
        var metronomes: [Metronome.Service] = []
        for index in 0..<10 {
            let clock: any Clock<Duration> = index.isMultiple(of: 2) ? ContinuousClock() : SuspendingClock()
            let metronome = try Metronome.Service(onTick: { continuation.yield($0) }, options: .init(clock: clock))
            metronome.after("far-\(index)", .seconds(3600))
            metronomes.append(metronome)
        }
        metronomes[1].after("suspending", .milliseconds(10))  // a SuspendingClock service
        var iterator = ticks.makeAsyncIterator()
        #expect(await iterator.next() == "suspending")
        #expect(ThreadInfo.count(named: "nano-timer") == 1)       // ContinuousClock's
        #expect(ThreadInfo.count(named: "nano-timer-susp") == 1)  // SuspendingClock's
        for metronome in metronomes { try await metronome.control.stop() }
    }

    @Test("a clock of another type is served by a task sleeping on it (real time, generous limit)")
    func otherClock() async throws {
        let (ticks, continuation) = AsyncStream<String>.makeStream()
        let metronome = try Metronome.Service(onTick: { continuation.yield($0) }, options: .init(clock: WrappedClock()))
        metronome.every("late", .seconds(3600))
        metronome.every("soon", .milliseconds(10))  // earlier than the armed deadline: a new task
        var iterator = ticks.makeAsyncIterator()
        #expect(await iterator.next() == "soon")
        try await metronome.control.stop()
    }
}
