import NanoServices
import Testing

/// Ticks travel through the mailbox: never during a method, coalesced behind a slow service.
@Suite("Timers: delivery through the mailbox", .timeLimit(.minutes(15)))
struct TimerDeliveryTests {
    let clock = ManualClock()

    @Test("a tick never interleaves with a method: it waits until the method returns")
    func noInterleaving() async throws {
        let metronome = try Metronome.Service(startingEvery: .seconds(1), options: .init(clock: clock))
        let gate = TimerGate()
        metronome.hold(gate)
        try await gate.waitUntilEntered()
        clock.advance(by: .seconds(1))  // due while `hold` runs
        gate.release()
        #expect(try await metronome.recorded() == ["hold-begin", "hold-end", "beat"])
    }

    @Test("a slow service gets one pending tick per timer; the other deadlines are coalesced and counted")
    func coalescing() async throws {
        let metronome = try Metronome.Service(startingEvery: .seconds(1), options: .init(clock: clock))
        #expect(try await metronome.activeCount() == 1)
        let gate = TimerGate()
        metronome.hold(gate)
        try await gate.waitUntilEntered()
        for _ in 0..<5 { clock.advance(by: .seconds(1)) }  // 5 deadlines, 1 tick queued
        #expect(metronome.control.mailboxDepth == 1)
        gate.release()
        #expect(try await metronome.recorded() == ["hold-begin", "hold-end", "beat"])
        let snapshot = metronome.control.snapshot()
        #expect(snapshot.timerTicksHandled == 1)
        #expect(snapshot.timerTicksCoalesced == 4)
        #expect(snapshot.description.contains("ticks=1 coalesced=4 skipped=0"))
        clock.advance(by: .seconds(1))  // caught up: the next deadline queues a tick again
        #expect(try await metronome.recorded().count == 4)
    }

    @Test("a tick reaches a service with a full bounded mailbox without waiting or evicting, whatever the policy (one per timer)",
          arguments: [MailboxPolicy.WhenFull.block, .fail, .dropNewest, .dropOldest])
    func boundedMailbox(whenFull: MailboxPolicy.WhenFull) async throws {
        let metronome = try Metronome.Service(
            startingEvery: .seconds(1), options: .init(mailbox: .bounded(capacity: 2, whenFull: whenFull), clock: clock))
        #expect(try await metronome.activeCount() == 1)
        let gate = TimerGate()
        metronome.hold(gate)
        try await gate.waitUntilEntered()
        metronome.after("later", .seconds(100))  // with `hold` in hand, the mailbox is full
        clock.advance(by: .seconds(1))  // returns: the tick goes in over capacity
        #expect(metronome.control.mailboxDepth == 3)
        #expect(metronome.control.droppedCasts == 0)  // nothing evicted, nothing refused
        gate.release()
        // Until it drains, a call would meet the full mailbox (and be refused, or evict).
        while metronome.control.mailboxDepth > 0 { try await Task.sleep(for: .milliseconds(1)) }
        #expect(try await metronome.recorded() == ["hold-begin", "hold-end", "beat"])
        #expect(try await metronome.isActive("later"))  // the cast queued before the tick ran
        #expect(metronome.control.snapshot().timerTicksHandled == 1)
    }

    @Test("an error thrown by a timer's action goes to the cast error handler")
    func throwingAction() async throws {
        let failures = Protected<[String]>([])
        let metronome = try Metronome.Service(options: .init(
            clock: clock, onCastError: { failure in failures.withLock { $0.append(failure.method) } }))
        metronome.failing("f", .seconds(1))
        #expect(try await metronome.activeCount() == 1)
        clock.advance(by: .seconds(1))
        _ = try await metronome.recorded()
        #expect(failures.withLock { $0 } == ["timer tick"])
        #expect(metronome.control.snapshot().timerTicksHandled == 1)
    }

    @Test("an action starts asynchronous work by casting an async method to its own service")
    func asyncWorkFromTick() async throws {
        let metronome = try Metronome.Service(options: .init(clock: clock))
        metronome.asyncOnTick("a", .seconds(1))
        #expect(try await metronome.activeCount() == 1)
        clock.advance(by: .seconds(1))
        _ = try await metronome.recorded()  // the tick was handled: the async cast is queued
        #expect(try await metronome.recorded() == ["a (async)"])
    }

    @Test("timers of a pooled service tick on the pool")
    func pooled() async throws {
        let pool = ServicePool(name: "timer-pool", threads: 1)
        let metronome = try Metronome.Service(
            startingEvery: .seconds(1), options: .init(placement: .pool(pool), clock: clock))
        #expect(try await metronome.activeCount() == 1)
        clock.advance(by: .seconds(1))
        clock.advance(by: .seconds(1))
        let recorded = try await metronome.recorded()
        #expect(recorded.count >= 1)  // two deadlines: two ticks, or one and a coalesced one
        let snapshot = metronome.control.snapshot()
        #expect(snapshot.timerTicksHandled + snapshot.timerTicksCoalesced == 2)
        try await pool.shutdown()
    }
}
