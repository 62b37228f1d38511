import NanoServices
import Testing

@Suite("Supervision: restart types", .timeLimit(.minutes(15)))
struct RestartTypeTests {
    @Test("permanent: restarted after every failure")
    func permanentRestarted() async throws {
        let journal = RestartJournal()
        let supervisor = Supervisor(name: "permanent", intensity: .init(maxRestarts: 3, within: .seconds(60)), backoff: .none)
        let worker = try supervisor.start(Worker.self, restart: .permanent) { Worker("w", journal: journal) }
        worker.crash("one")
        worker.crash("two")
        #expect(try await worker.currentGeneration() == 3)
        await supervisor.stop()
    }

    @Test("permanent: stopped by hand, it cannot come back in place, so the supervisor fails")
    func permanentStoppedByHand() async throws {
        let journal = RestartJournal()
        let supervisor = Supervisor(name: "permanent-by-hand", backoff: .none)
        let worker = try supervisor.start(Worker.self, restart: .permanent) { Worker("w", journal: journal) }
        try await worker.control.stop()
        await #expect { try await supervisor.run() } throws: {
            let error = $0 as? ServiceError
            return error?.code == .restartLimitExceeded && error?.message.contains("stopped outside its supervisor") == true
        }
    }

    @Test("transient: restarted after a failure; stopped by hand, it leaves the supervisor")
    func transient() async throws {
        let journal = RestartJournal()
        let supervisor = Supervisor(name: "transient", backoff: .none)
        let worker = try supervisor.start(Worker.self, restart: .transient, options: .named("t")) { Worker("t", journal: journal) }
        let other = try supervisor.start(Worker.self, options: .named("o")) { Worker("o", journal: journal) }
        worker.crash("boom")
        #expect(try await worker.currentGeneration() == 2)
        try await worker.control.stop()
        await eventually { supervisor.childNames == ["o"] }
        #expect(try await other.currentGeneration() == 1)  // the supervisor carries on
        await supervisor.stop()
        try await supervisor.run()  // stopped, not failed
    }

    @Test("temporary: a failure stops it for good; queued calls fail with `stopped`; no restart is counted")
    func temporary() async throws {
        let journal = RestartJournal()
        let supervisor = Supervisor(name: "temporary", backoff: .none)
        let worker = try supervisor.start(Worker.self, restart: .temporary) { Worker("tmp", journal: journal) }
        let gate = Gate()
        worker.crash(after: gate)
        await eventually { gate.hasArrival }
        let queued = Task { try await worker.currentGeneration() }
        await eventually { worker.control.mailboxDepth >= 1 }
        gate.open()
        await #expect { try await queued.value } throws: { ($0 as? ServiceError)?.code == .stopped }
        try await worker.control.join()
        #expect(supervisor.restarts == 0)
        #expect(supervisor.childNames.isEmpty)
        await supervisor.stop()
    }

    @Test("temporary siblings of a one-for-all restart are stopped, not restarted")
    func temporarySibling() async throws {
        let journal = RestartJournal()
        let supervisor = Supervisor(name: "temporary-sibling", strategy: .oneForAll, backoff: .none)
        let temporary = try supervisor.start(Worker.self, restart: .temporary) { Worker("tmp", journal: journal) }
        let permanent = try supervisor.start(Worker.self, options: .named("perm")) { Worker("perm", journal: journal) }
        permanent.crash("boom")
        #expect(try await permanent.currentGeneration() == 2)
        try await temporary.control.join()
        #expect(supervisor.childNames == ["perm"])
        await supervisor.stop()
    }
}
