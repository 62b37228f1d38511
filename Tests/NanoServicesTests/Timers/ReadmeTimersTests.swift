import NanoServices
import Testing

// The "Timers owned by a service" example of README.md, verbatim (in a namespace).
enum ReadmeTimers {
    @NanoService
    final class Heartbeat {
        private var beats = 0
        private var lost: [String] = []

        init() {
            timers.start("beat", every: .seconds(1)) { $0.beat() }    // fixed rate, first tick in 1 s
        }

        func beat() { beats += 1 }                                    // not public: only the timer calls it

        @Call public func expect(_ peer: String) {                    // once, unless cancelled first
            timers.start("timeout \(peer)", after: .seconds(3)) { $0.lost.append(peer) }
        }
        public func heard(_ peer: String) { timers.cancel("timeout \(peer)") }
        public func count() -> Int { beats }
        public func lostPeers() -> [String] { lost }
    }

    /// A struct service: the action gets the instance `inout`.
    @NanoService
    struct Tally {
        private var ticks = 0
        init() { timers.start("t", every: .seconds(1)) { $0.ticks += 1 } }
        public func count() -> Int { ticks }
    }
}

@Suite("README: timers", .timeLimit(.minutes(15)))
struct ReadmeTimersTests {
    @Test("the example behaves as commented")
    func example() async throws {
        typealias Heartbeat = ReadmeTimers.Heartbeat
        let clock = ManualClock()
        let heart = try Heartbeat.Service(options: .init(clock: clock))
        try await heart.expect("db")                   // a call: the timers are armed when it returns
        clock.advance(by: .seconds(1))
        #expect(try await heart.count() == 1)
        clock.advance(by: .seconds(3))                 // 4 s: three beats due at once, db's timeout too
        #expect(try await heart.count() == 2)
        #expect(try await heart.lostPeers() == ["db"])
        #expect(heart.control.snapshot().timerTicksCoalesced == 2)
    }

    @Test("the example as written, with blocking calls from a plain thread")
    func exampleBlocking() async throws {
        typealias Heartbeat = ReadmeTimers.Heartbeat
        let (first, second, lost, coalesced) = try await runOnNewThread { () -> (Int, Int, [String], Int) in
            let clock = ManualClock()
            let heart = try Heartbeat.Service(options: .init(clock: clock))
            try heart.expect("db")
            clock.advance(by: .seconds(1))
            let first = try heart.count()
            clock.advance(by: .seconds(3))
            return (first, try heart.count(), try heart.lostPeers(), heart.control.snapshot().timerTicksCoalesced)
        }
        #expect(first == 1)
        #expect(second == 2)
        #expect(lost == ["db"])
        #expect(coalesced == 2)
    }

    @Test("a peer heard in time is not lost")
    func heardInTime() async throws {
        let clock = ManualClock()
        let heart = try ReadmeTimers.Heartbeat.Service(options: .init(clock: clock))
        try await heart.expect("db")
        heart.heard("db")
        clock.advance(by: .seconds(3))
        #expect(try await heart.lostPeers() == [])
    }

    @Test("a struct service's timer mutates the service's only copy")
    func structService() async throws {
        let clock = ManualClock()
        let tally = try ReadmeTimers.Tally.Service(options: .init(clock: clock))
        #expect(try await tally.count() == 0)
        clock.advance(by: .seconds(1))
        clock.advance(by: .seconds(1))
        #expect(try await tally.count() >= 1)
        #expect(tally.control.snapshot().timerTicksHandled + tally.control.snapshot().timerTicksCoalesced == 2)
    }
}
