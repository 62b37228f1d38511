@testable import NanoServices
import Testing

/// A supervised service that can be kept busy at a gate.
@NanoService
final class Blocker {
    private let generation: Int

    init(generation: Int) { self.generation = generation }

    @Cast public func wait(at gate: Gate) { gate.wait() }
    public func currentGeneration() -> Int { generation }
}

@Suite("Supervision: restart commands that meet at one service", .timeLimit(.minutes(15)))
struct RestartCommandTests {
    /// A parent supervisor's take-down and the child supervisor's own rebuild can reach one
    /// service while it is busy; both must be applied, in the order they arrived. (The service
    /// used to keep one command and answer a second "ended", which left it without an instance.)
    @Test("a take-down and a rebuild queued together are both applied, in order: a fresh instance, rebuilt")
    func takeDownThenRebuild() async throws {
        let supervisor = Supervisor(name: "command-queue", backoff: .none)
        let generations = Protected(0)
        let blocker = try supervisor.start(Blocker.self) {
            Blocker(generation: generations.withLock { $0 += 1; return $0 })
        }
        #expect(try await blocker.currentGeneration() == 1)
        let gate = Gate()
        blocker.wait(at: gate)
        await eventually { gate.hasArrival }
        let link = try #require(supervisor.state.withLock { $0.children.first?.entry as? ServiceChild }).link
        let mailbox = blocker._$runtime.core.mailbox
        // Both commands are queued as jobs while the service is busy at the gate.
        let takenDown = Task { await link.takeDown(reason: "the parent takes its child supervisor down") }
        await eventually { mailbox.queuedJobCount == 1 }
        let rebuilt = Task { await link.rebuild() }
        await eventually { mailbox.queuedJobCount == 2 }
        gate.open()
        await takenDown.value
        guard case .rebuilt = await rebuilt.value else {
            Issue.record("the rebuild was not applied")
            await supervisor.stop(.immediate)
            return
        }
        #expect(try await blocker.currentGeneration() == 2)
        await supervisor.stop()
    }
}
