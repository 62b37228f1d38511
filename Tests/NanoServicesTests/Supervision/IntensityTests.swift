import NanoServices
import Testing

@Suite("Supervision: intensity, backoff, nesting", .timeLimit(.minutes(15)))
struct IntensityTests {
    @Test("backoff doubles up to its maximum", arguments: [(1, 10), (2, 20), (3, 40), (4, 50), (9, 50)])
    func backoffDelays(attempt: Int, milliseconds: Int) {
        let backoff = Supervisor.Backoff.exponential(initial: .milliseconds(10), multiplier: 2, maximum: .milliseconds(50))
        #expect(backoff.delay(beforeRestart: attempt) == .milliseconds(milliseconds))
    }

    @Test("beyond the intensity the supervisor stops its children and run() throws restartLimitExceeded")
    func intensityExceeded() async throws {
        let journal = RestartJournal()
        let supervisor = Supervisor(name: "fragile", intensity: .init(maxRestarts: 2, within: .seconds(3600)), backoff: .none)
        let worker = try supervisor.start(Worker.self) { Worker("w", journal: journal) }
        let sibling = try supervisor.start(Worker.self) { Worker("s", journal: journal) }
        worker.crash("1")
        worker.crash("2")
        worker.crash("3")
        await #expect { try await supervisor.run() } throws: { ($0 as? ServiceError)?.code == .restartLimitExceeded }
        #expect(worker.control.state == .stopped)
        #expect(sibling.control.state == .stopped)
        #expect(supervisor.restarts == 2)
        #expect(throws: ServiceError.self) { try supervisor.start(Worker.self) { Worker("late", journal: journal) } }
    }

    @Test("restarts older than the period do not count (manual clock)")
    func periodSlides() async throws {
        let journal = RestartJournal()
        let clock = ManualClock()
        let supervisor = Supervisor(name: "sliding", intensity: .init(maxRestarts: 1, within: .seconds(10)),
                                    backoff: .exponential(initial: .seconds(1), maximum: .seconds(1)), clock: clock)
        let worker = try supervisor.start(Worker.self) { Worker("w", journal: journal) }
        worker.crash("first")
        #expect(try await clock.nextSleep() == .seconds(1))
        clock.advance(by: .seconds(11))  // past the backoff and the whole period
        #expect(try await worker.currentGeneration() == 2)
        worker.crash("second, in a new period")
        #expect(try await clock.nextSleep() == .seconds(1))
        clock.advance(by: .seconds(1))
        #expect(try await worker.currentGeneration() == 3)
        await supervisor.stop()
    }

    @Test("the backoff grows with each restart in the period and starts over in a new one; nothing is handled while it runs")
    func backoffPerPeriod() async throws {
        let journal = RestartJournal()
        let clock = ManualClock()
        let supervisor = Supervisor(
            name: "backoff-period", intensity: .init(maxRestarts: 10, within: .seconds(10)),
            backoff: .exponential(initial: .seconds(1), multiplier: 2, maximum: .seconds(60)), clock: clock)
        let worker = try supervisor.start(Worker.self) { Worker("w", journal: journal) }
        worker.crash("first")
        #expect(try await clock.nextSleep() == .seconds(1))
        let waiting = Task { try await worker.currentGeneration() }
        await eventually { worker.control.mailboxDepth >= 1 }  // the call arrived...
        try await Task.sleep(for: .milliseconds(20))
        #expect(worker.control.mailboxDepth >= 1)  // ...and is not handled while the backoff runs
        clock.advance(by: .seconds(1))
        #expect(try await waiting.value == 2)
        worker.crash("second")
        #expect(try await clock.nextSleep() == .seconds(2))  // the 2nd restart in the period
        clock.advance(by: .seconds(2))
        #expect(try await worker.currentGeneration() == 3)
        clock.advance(by: .seconds(11))  // the period passes without a failure
        worker.crash("third, in a new period")
        #expect(try await clock.nextSleep() == .seconds(1))  // the 1st again
        clock.advance(by: .seconds(1))
        #expect(try await worker.currentGeneration() == 4)
        await supervisor.stop()
    }

    @Test("a child supervisor that gives up is a failed child of its parent, which restarts it in place")
    func nestedEscalation() async throws {
        let journal = RestartJournal()
        let parent = Supervisor(name: "parent", intensity: .init(maxRestarts: 1, within: .seconds(3600)), backoff: .none)
        let child = Supervisor(name: "child", intensity: .init(maxRestarts: 0, within: .seconds(3600)), backoff: .none)
        try parent.supervise(child)
        let worker = try child.start(Worker.self) { Worker("w", journal: journal) }
        worker.crash("boom")  // the child may not restart anything: it gives up
        #expect(try await worker.currentGeneration() == 2)  // the parent restarted the child
        #expect(parent.restarts == 1)
        #expect(child.restarts == 0)
        worker.crash("again")  // the child gives up again; the parent's intensity is exhausted
        await #expect { try await parent.run() } throws: { ($0 as? ServiceError)?.code == .restartLimitExceeded }
        #expect(worker.control.state == .stopped)
        try await child.run()  // stopped by its parent
    }
}
