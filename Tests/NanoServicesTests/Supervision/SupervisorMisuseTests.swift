import NanoServices
import Testing

@Suite("Supervision: misuse and stopping", .timeLimit(.minutes(15)))
struct SupervisorMisuseTests {
    @Test("stop drains the children in reverse start order; a second stop just waits")
    func stopTwice() async throws {
        let journal = RestartJournal()
        let supervisor = Supervisor(name: "stop-twice")
        let first = try supervisor.start(Worker.self) { Worker("first", journal: journal) }
        let second = try supervisor.start(Worker.self) { Worker("second", journal: journal) }
        for item in 0..<100 { first.append(item); second.append(item) }
        await supervisor.stop()
        await supervisor.stop()
        #expect(first.control.state == .stopped && second.control.state == .stopped)
        #expect(journal.all.filter { $0.hasPrefix("release") } == ["release second#1", "release first#1"])
        try await supervisor.run()
    }

    @Test("no children after a stop; a supervisor cannot supervise itself or have two parents")
    func misuse() async throws {
        let journal = RestartJournal()
        let supervisor = Supervisor(name: "misuse")
        #expect { try supervisor.supervise(supervisor) } throws: { ($0 as? ServiceError)?.code == .invalidOptions }
        let child = Supervisor(name: "child")
        try supervisor.supervise(child)
        let other = Supervisor(name: "other")
        #expect { try other.supervise(child) } throws: { ($0 as? ServiceError)?.code == .invalidOptions }
        await supervisor.stop()
        #expect { try supervisor.start(Worker.self) { Worker("w", journal: journal) } } throws: {
            ($0 as? ServiceError)?.code == .stopped
        }
        try await child.run()  // stopped with its parent
        await other.stop()
    }

    @Test("invalid options fail the start and leave no child")
    func invalidOptions() async throws {
        let journal = RestartJournal()
        let supervisor = Supervisor(name: "invalid")
        var options = ServiceOptions()
        options.stackSize = -1  // a `var`: the spawn checks it again
        #expect { try supervisor.start(Worker.self, options: options) { Worker("w", journal: journal) } } throws: {
            ($0 as? ServiceError)?.code == .invalidOptions
        }
        #expect(supervisor.childNames.isEmpty)
        await supervisor.stop()
    }

    @Test("cancelling run() stops the children at once: queued calls fail with `stopped`")
    func cancellation() async throws {
        let journal = RestartJournal()
        let supervisor = Supervisor(name: "cancelled")
        let worker = try supervisor.start(Worker.self) { Worker("w", journal: journal) }
        let gate = Gate()
        worker.crash(after: gate)  // holds the worker
        await eventually { gate.hasArrival }
        let queued = Task { try await worker.currentGeneration() }
        await eventually { worker.control.mailboxDepth >= 1 }
        let running = Task { try await supervisor.run() }
        running.cancel()
        await eventually { worker.control.state == .stopping }
        gate.open()
        await #expect { try await queued.value } throws: { ($0 as? ServiceError)?.code == .stopped }
        try await running.value
    }
}

@Suite("Supervision: blocking stop", .timeLimit(.minutes(15)))
struct BlockingStopTests {
    @Test("the blocking stop drains the children from a plain thread")
    func blockingStop() async throws {
        let journal = RestartJournal()
        let supervisor = Supervisor(name: "blocking")
        let worker = try supervisor.start(Worker.self) { Worker("w", journal: journal) }
        for item in 0..<10 { worker.append(item) }
        try await runOnNewThread { supervisor.stop() }
        #expect(worker.control.state == .stopped)
        #expect(journal.all.last == "release w#1")
    }
}
