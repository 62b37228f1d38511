import NanoServices
import Testing

/// The three kinds of timers, driven by a ``ManualClock``: no sleeping, no speed dependence.
/// Each `advance` puts the due ticks into the mailbox before it returns, so a call made after
/// it sees them handled.
@Suite("Timers: after, fixed rate, fixed delay", .timeLimit(.minutes(15)))
struct ManualClockTimerTests {
    let clock = ManualClock()

    @Test("after: one tick at the deadline, then the timer is gone")
    func after() async throws {
        let metronome = try Metronome.Service(options: .init(clock: clock))
        metronome.after("once", .seconds(2))
        #expect(try await metronome.isActive("once"))
        clock.advance(by: .seconds(1))
        #expect(try await metronome.recorded() == [])
        clock.advance(by: .seconds(1))
        #expect(try await metronome.recorded() == ["once"])
        clock.advance(by: .seconds(10))
        #expect(try await metronome.recorded() == ["once"])
        #expect(try await metronome.isActive("once") == false)
        #expect(try await metronome.cancel("once") == false)
        #expect(metronome.control.snapshot().timerTicksHandled == 1)
    }

    @Test("fixed rate: a tick per period, first one period after the start")
    func fixedRate() async throws {
        let metronome = try Metronome.Service(startingEvery: .seconds(1), options: .init(clock: clock))
        #expect(try await metronome.activeCount() == 1)  // the initializer has run: the timer is armed
        for expected in 1...3 {
            clock.advance(by: .milliseconds(999))
            #expect(try await metronome.recorded().count == expected - 1)
            clock.advance(by: .milliseconds(1))
            #expect(try await metronome.recorded() == Array(repeating: "beat", count: expected))
        }
        let snapshot = metronome.control.snapshot()
        #expect(snapshot.timerTicksHandled == 3)
        #expect(snapshot.timerTicksCoalesced == 0)
        #expect(snapshot.handledByMethod["timer tick"] == 3)
    }

    @Test("fixed rate with a first delay keeps the phase of the first deadline")
    func fixedRateFirstAfter() async throws {
        let metronome = try Metronome.Service(options: .init(clock: clock))
        metronome.every("k", .seconds(10), firstAfter: .seconds(1))
        #expect(try await metronome.activeCount() == 1)
        clock.advance(by: .seconds(1))
        #expect(try await metronome.recorded() == ["k"])
        clock.advance(by: .seconds(9))
        #expect(try await metronome.recorded() == ["k"])
        clock.advance(by: .seconds(1))
        #expect(try await metronome.recorded() == ["k", "k"])
    }

    @Test("a jump over three periods delivers one tick and counts two as coalesced")
    func jumpCoalesces() async throws {
        let metronome = try Metronome.Service(startingEvery: .seconds(1), options: .init(clock: clock))
        #expect(try await metronome.activeCount() == 1)
        clock.advance(by: .seconds(3))
        #expect(try await metronome.recorded() == ["beat"])
        #expect(metronome.control.snapshot().timerTicksCoalesced == 2)
        clock.advance(by: .seconds(1))  // the phase is kept: the next deadline was at 4 s
        #expect(try await metronome.recorded() == ["beat", "beat"])
    }

    @Test("fixed delay: the next deadline counts from when the tick was handled")
    func fixedDelay() async throws {
        let metronome = try Metronome.Service(options: .init(clock: clock))
        metronome.fixedDelay("poll", .seconds(1))
        let gate = TimerGate()
        metronome.hold(gate)
        try await gate.waitUntilEntered()
        clock.advance(by: .seconds(1))     // t = 1 s: the tick waits behind `hold`
        clock.advance(by: .seconds(1.5))   // t = 2.5 s: a fixed-rate timer would coalesce here
        gate.release()
        #expect(try await metronome.recorded() == ["hold-begin", "hold-end", "poll"])  // handled at 2.5 s
        clock.advance(to: .init(offset: .seconds(3.4)))
        #expect(try await metronome.recorded().count == 3)
        clock.advance(to: .init(offset: .seconds(3.5)))
        #expect(try await metronome.recorded() == ["hold-begin", "hold-end", "poll", "poll"])
        #expect(metronome.control.snapshot().timerTicksCoalesced == 0)
    }

    @Test("a one-shot timer may start itself again from its own tick")
    func rearmFromTick() async throws {
        let metronome = try Metronome.Service(options: .init(clock: clock))
        metronome.rearming("again", .seconds(1))
        #expect(try await metronome.activeCount() == 1)
        for count in 1...3 {
            clock.advance(by: .seconds(1))
            #expect(try await metronome.recorded().count == count)
        }
        #expect(try await metronome.isActive("again"))
    }

    @Test("a timer due at once fires at the next advance, even by zero")
    func dueAtOnce() async throws {
        let metronome = try Metronome.Service(options: .init(clock: clock))
        metronome.after("now", .zero)
        #expect(try await metronome.recorded() == [])
        clock.advance(by: .zero)
        #expect(try await metronome.recorded() == ["now"])
    }

    @Test("timers of several services on one clock fire in deadline order")
    func severalServices() async throws {
        let first = try Metronome.Service(options: .init(clock: clock))
        let second = try Metronome.Service(options: .init(clock: clock))
        first.every("a", .seconds(2))
        second.every("b", .seconds(3))
        #expect(try await first.activeCount() == 1)
        #expect(try await second.activeCount() == 1)
        clock.advance(by: .seconds(6))  // one tick each, the rest coalesced
        #expect(try await first.recorded() == ["a"])
        #expect(try await second.recorded() == ["b"])
        #expect(first.control.snapshot().timerTicksCoalesced == 2)
        #expect(second.control.snapshot().timerTicksCoalesced == 1)
    }
}
