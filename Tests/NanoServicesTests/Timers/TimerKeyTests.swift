import NanoServices
import Testing

/// Keys: replacing and cancelling, including a tick already queued behind a busy method.
@Suite("Timers: keys, replace and cancel", .timeLimit(.minutes(15)))
struct TimerKeyTests {
    let clock = ManualClock()

    @Test("replacing a key: a tick of the old timer already queued is not handled")
    func replaceSkipsQueuedTick() async throws {
        let metronome = try Metronome.Service(options: .init(clock: clock))
        metronome.every("k", .seconds(1))
        let gate = TimerGate()
        metronome.holdThenRestart(gate, "k", .seconds(5))
        try await gate.waitUntilEntered()
        clock.advance(by: .seconds(1))   // the old timer's tick is queued behind the busy method
        gate.release()                   // the method replaces "k" before the tick is taken
        #expect(try await metronome.recorded() == [])
        #expect(metronome.control.snapshot().timerTicksSkipped == 1)
        #expect(try await metronome.activeCount() == 1)
        clock.advance(by: .seconds(4))   // t = 5 s: the old timer would have ticked 4 more times
        #expect(try await metronome.recorded() == [])
        clock.advance(by: .seconds(1))   // t = 6 s: the new timer's first deadline
        #expect(try await metronome.recorded() == ["k'"])
    }

    @Test("cancelling a key: a tick already queued is not handled, and none follows")
    func cancelSkipsQueuedTick() async throws {
        let metronome = try Metronome.Service(options: .init(clock: clock))
        metronome.every("k", .seconds(1))
        let gate = TimerGate()
        metronome.holdThenCancel(gate, "k")
        try await gate.waitUntilEntered()
        clock.advance(by: .seconds(1))
        gate.release()
        #expect(try await metronome.isActive("k") == false)
        clock.advance(by: .seconds(10))
        #expect(try await metronome.recorded() == [])
        let snapshot = metronome.control.snapshot()
        #expect(snapshot.timerTicksSkipped == 1)
        #expect(snapshot.timerTicksHandled == 0)
    }

    @Test("cancelAll() while ticks are queued: none of them is handled afterwards")
    func cancelAllWithQueuedTicks() async throws {
        let metronome = try Metronome.Service(options: .init(clock: clock))
        metronome.every("a", .seconds(1))
        metronome.every("b", .seconds(1))
        let gate = TimerGate()
        metronome.holdThenCancelAll(gate)
        try await gate.waitUntilEntered()
        clock.advance(by: .seconds(1))  // a tick of each is queued behind the hold
        gate.release()
        #expect(try await metronome.activeCount() == 0)
        clock.advance(by: .seconds(10))
        #expect(try await metronome.recorded() == [])
        let snapshot = metronome.control.snapshot()
        #expect(snapshot.timerTicksSkipped == 2)
        #expect(snapshot.timerTicksHandled == 0)
    }

    @Test("an action may cancel its own timer: no tick after the one that cancelled it")
    func actionCancelsItsOwnTimer() async throws {
        let metronome = try Metronome.Service(options: .init(clock: clock))
        metronome.everyUntil("k", .seconds(1), ticks: 2)
        #expect(try await metronome.activeCount() == 1)
        for _ in 0..<5 {
            clock.advance(by: .seconds(1))
            _ = try await metronome.recorded()  // the tick, if any, is handled before this call
        }
        #expect(try await metronome.recorded() == ["k", "k"])
        #expect(try await metronome.isActive("k") == false)
    }

    @Test("cancel returns whether a timer had the key; other keys keep running")
    func cancelByKey() async throws {
        let metronome = try Metronome.Service(options: .init(clock: clock))
        metronome.every("a", .seconds(1))
        metronome.every("b", .seconds(1))
        #expect(try await metronome.activeCount() == 2)
        #expect(try await metronome.cancel("a"))
        #expect(try await metronome.cancel("a") == false)
        #expect(try await metronome.cancel("never") == false)
        clock.advance(by: .seconds(1))
        #expect(try await metronome.recorded() == ["b"])
        metronome.cancelAll()
        #expect(try await metronome.activeCount() == 0)
        clock.advance(by: .seconds(5))
        #expect(try await metronome.recorded() == ["b"])
    }

    @Test("starting a key again before its deadline restarts it from now")
    func restartMovesDeadline() async throws {
        let metronome = try Metronome.Service(options: .init(clock: clock))
        metronome.after("k", .seconds(2))
        #expect(try await metronome.activeCount() == 1)
        clock.advance(by: .seconds(1))
        metronome.after("k", .seconds(2))   // now due at 3 s
        #expect(try await metronome.activeCount() == 1)
        clock.advance(by: .seconds(1))
        #expect(try await metronome.recorded() == [])
        clock.advance(by: .seconds(1))
        #expect(try await metronome.recorded() == ["k"])
    }
}
