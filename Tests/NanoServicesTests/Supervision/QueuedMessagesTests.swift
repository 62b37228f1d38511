import NanoServices
import Testing

@Suite("Supervision: messages queued at a failure", .timeLimit(.minutes(15)))
struct QueuedMessagesTests {
    /// Crashes a worker while two casts and a call wait behind the failing message; returns
    /// the call's outcome, what the new instance holds, and the casts dropped.
    func crashWithQueue(_ policy: Supervisor.QueuedMessages) async throws -> (call: Result<Int, any Error>, contents: [Int], dropped: Int) {
        let journal = RestartJournal()
        let supervisor = Supervisor(name: "queued-\(policy)", backoff: .none, queuedMessages: policy)
        let worker = try supervisor.start(Worker.self) { Worker("q", journal: journal) }
        let gate = Gate()
        worker.crash(after: gate)
        await eventually { gate.hasArrival }
        worker.append(1)
        worker.append(2)
        let call = Task { try await worker.contents().count }
        await eventually { worker.control.mailboxDepth >= 3 }
        gate.open()
        let outcome = await Result(catching: { try await call.value })
        let contents = try await worker.contents()
        let dropped = worker.control.droppedCasts
        await supervisor.stop()
        return (outcome, contents, dropped)
    }

    @Test("kept by default: the new instance handles them, in order")
    func kept() async throws {
        let (call, contents, dropped) = try await crashWithQueue(.keep)
        #expect(try call.get() == 2)
        #expect(contents == [1, 2])
        #expect(dropped == 0)
    }

    @Test("dropped with the policy: calls fail with `restarted`, casts are counted as dropped")
    func dropped() async throws {
        let (call, contents, dropped) = try await crashWithQueue(.drop)
        #expect(throws: ServiceError.self) { try call.get() }
        if case .failure(let error as ServiceError) = call { #expect(error.code == .restarted) }
        #expect(contents == [])
        #expect(dropped == 2)
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
