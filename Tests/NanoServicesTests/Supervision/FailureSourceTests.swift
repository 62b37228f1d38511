import NanoServices
import Testing

@Suite("Supervision: what fails and how it is restarted", .timeLimit(.minutes(15)))
struct FailureSourceTests {
    @Test("a handle taken before the restart reaches the new instance, with fresh state")
    func handleSurvivesRestart() async throws {
        let journal = RestartJournal()
        let supervisor = Supervisor(name: "handles", backoff: .none)
        let worker = try supervisor.start(Worker.self) { Worker("w", journal: journal) }
        let copy = worker  // taken before the failure
        worker.append(1)
        worker.crash("boom")
        #expect(try await copy.contents() == [])  // the factory ran again: no old state
        #expect(try await copy.currentGeneration() == 2)
        #expect(journal.all.contains("release w#1"))
        await supervisor.stop()
    }

    @Test("a call whose method throws ServiceFailure fails with `restarted`; the next call reaches the new instance")
    func callInHandFailsWithRestarted() async throws {
        let journal = RestartJournal()
        let supervisor = Supervisor(name: "in-hand", backoff: .none)
        let worker = try supervisor.start(Worker.self) { Worker("w", journal: journal) }
        await #expect { try await worker.breakDown() } throws: { ($0 as? ServiceError)?.code == .restarted }
        #expect(try await worker.currentGeneration() == 2)
        await supervisor.stop()
    }

    @Test("under a supervisor a @Cast error is a failure, not sent to onCastError")
    func castErrorNotSentToHandler() async throws {
        let journal = RestartJournal()
        let handled = Protected(0)
        let supervisor = Supervisor(name: "cast-error", backoff: .none)
        let options = ServiceOptions(onCastError: { _ in handled.withLock { $0 += 1 } })
        let worker = try supervisor.start(Worker.self, options: options) { Worker("w", journal: journal) }
        worker.crash("boom")
        #expect(try await worker.currentGeneration() == 2)
        #expect(handled.withLock { $0 } == 0)
        await supervisor.stop()
    }

    @Test("a method's own error is not a failure of the service")
    func ownErrorIsNoFailure() async throws {
        let journal = RestartJournal()
        let supervisor = Supervisor(name: "own-error", backoff: .none)
        let worker = try supervisor.start(Worker.self) { Worker("w", journal: journal) }
        await #expect(throws: WorkerCrash(reason: "refused")) { try await worker.refuse() }
        #expect(try await worker.currentGeneration() == 1)
        #expect(supervisor.restarts == 0)
        await supervisor.stop()
    }

    @Test("CurrentService.fail restarts a supervised service after the message in hand")
    func reportedFailure() async throws {
        let journal = RestartJournal()
        let supervisor = Supervisor(name: "reported", backoff: .none)
        let worker = try supervisor.start(Worker.self) { Worker("w", journal: journal) }
        worker.reportFailure()
        #expect(try await worker.currentGeneration() == 2)
        await supervisor.stop()
    }

    @Test("CurrentService.fail in a call: the call still gets its answer; the instance is replaced before the next message (supervised, own thread or pooled)",
          arguments: [false, true])
    func reportedFailureInACall(pooled: Bool) async throws {
        let journal = RestartJournal()
        let pool = ServicePool(name: "reported-call", threads: 2)
        let supervisor = Supervisor(name: "reported-call", backoff: .none)
        let options = ServiceOptions(placement: pooled ? .pool(pool) : .ownThread)
        let worker = try supervisor.start(Worker.self, options: options) { Worker("c", journal: journal) }
        worker.append(7)
        #expect(try await worker.reportFailureAndAnswer() == 1)  // answered by the failing instance
        #expect(try await worker.currentGeneration() == 2)       // the next message meets a new one
        #expect(try await worker.contents() == [])               // the old instance's state is gone
        // From a plain thread (a blocking call, which may run on the caller's thread when pooled).
        let blocking = try await runOnNewThread { try worker.reportFailureAndAnswer() }
        #expect(blocking == 2)
        #expect(try await worker.currentGeneration() == 3)
        await supervisor.stop()
        try await pool.shutdown()
    }

    @Test("CurrentService.fail in a call of an unsupervised service: the call gets its answer, then the service stops")
    func unsupervisedReportedFailureInACall() async throws {
        let journal = RestartJournal()
        let worker = try Worker.Service("uc", journal: journal)
        #expect(try await worker.reportFailureAndAnswer() == 1)
        try await worker.control.join()
        #expect(worker.control.state == .stopped)
    }

    @Test("a failed instance is released on its service's thread, before the next message meets a new one")
    func failedInstanceReleasedOnItsThread() async throws {
        let releasedOn = Protected<[String]>([])
        let supervisor = Supervisor(name: "release-thread", backoff: .none)
        let probe = try supervisor.start(ReleaseThreadProbe.self, options: .named("rel-probe")) {
            ReleaseThreadProbe(releasedOn: releasedOn)
        }
        let error = await #expect(throws: ServiceError.self) { try await probe.breakDown() }
        #expect(error?.code == .restarted)
        #expect(try await probe.ping() == 1)  // a new instance answers
        #expect(releasedOn.withLock { $0 } == ["rel-probe"])  // the old one, on the service's thread
        await supervisor.stop()
    }

    @Test("a failing initializer is restarted with exponential backoff on the supervisor's clock; messages wait")
    func initializerFailureWithBackoff() async throws {
        let journal = RestartJournal()
        let clock = ManualClock()
        let attempts = Protected(0)
        let supervisor = Supervisor(
            name: "database", intensity: .init(maxRestarts: 5, within: .seconds(60)),
            backoff: .exponential(initial: .milliseconds(100), multiplier: 2, maximum: .seconds(1)), clock: clock)
        let database = try supervisor.start(Worker.self) {
            let attempt = attempts.withLock { $0 += 1; return $0 }
            if attempt <= 3 { throw WorkerCrash(reason: "database not up yet (attempt \(attempt))") }
            return Worker("db", journal: journal)
        }
        database.append(42)  // queued until an instance exists
        #expect(try await clock.nextSleep() == .milliseconds(100))
        clock.advance(by: .milliseconds(100))
        #expect(try await clock.nextSleep() == .milliseconds(200))
        clock.advance(by: .milliseconds(200))
        #expect(try await clock.nextSleep() == .milliseconds(400))
        clock.advance(by: .milliseconds(400))
        #expect(try await database.contents() == [42])
        #expect(attempts.withLock { $0 } == 4)
        #expect(supervisor.restarts == 3)
        #expect(database.control.snapshot().restarts == 3)  // the factory ran again three times
        await supervisor.stop()
    }

    @Test("unsupervised: ServiceFailure reaches the caller unchanged and the service keeps running")
    func unsupervisedServiceFailure() async throws {
        let journal = RestartJournal()
        let worker = try Worker.Service("u", journal: journal)
        await #expect(throws: ServiceFailure.self) { try await worker.breakDown() }
        #expect(try await worker.currentGeneration() == 1)
        try await worker.control.stop()
    }

    @Test("unsupervised: CurrentService.fail stops the service at once")
    func unsupervisedReportedFailure() async throws {
        let journal = RestartJournal()
        let worker = try Worker.Service("u", journal: journal)
        worker.reportFailure()
        try await worker.control.join()
        await #expect { try await worker.currentGeneration() } throws: { ($0 as? ServiceError)?.code == .stopped }
    }
}
