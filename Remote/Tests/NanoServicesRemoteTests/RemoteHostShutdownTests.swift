import NanoServices
import NanoServicesRemote
import Testing

/// A graceful shutdown of the host lets the calls in flight finish.
@Suite(.timeLimit(.minutes(15)))
struct RemoteHostShutdownTests {
    @Test func aCallInFlightFinishesDuringAGracefulShutdown() async throws {
        let ledger = try Ledger.Service()
        try await RemoteTestHarness.run(serving: { $0.serve(ledger, as: "ledger") }) { (harness: RemoteTestHarness) async throws in
            let remote = harness.client.handle(to: Ledger.self, named: "ledger")
            let pending = Task { try await remote.hold("shutdown") }
            await Gates.waitUntilOpened("shutdown-entered")
            harness.host.beginGracefulShutdown()
            Gates.open("shutdown")
            let answer = try await pending.value
            #expect(answer == "shutdown")
        }
    }

    /// "stop accepting": once the host's graceful shutdown has begun, a new call fails and
    /// never runs, while the call in flight still finishes.
    @Test func aNewCallIsRefusedDuringAGracefulShutdown() async throws {
        let ledger = try Ledger.Service()
        try await RemoteTestHarness.run(serving: { $0.serve(ledger, as: "ledger") }) { (harness: RemoteTestHarness) async throws in
            let remote = harness.client.handle(to: Ledger.self, named: "ledger", timeout: .seconds(60))
            let pending = Task { try await remote.hold("refuse") }
            await Gates.waitUntilOpened("refuse-entered")
            harness.host.beginGracefulShutdown()
            await #expect(throws: (any Error).self) { try await remote.withdraw(1, note: "late") }
            Gates.open("refuse")
            #expect(try await pending.value == "refuse")
        }
        #expect(try await ledger.entriesSoFar() == [])  // the refused call never ran
    }
}
