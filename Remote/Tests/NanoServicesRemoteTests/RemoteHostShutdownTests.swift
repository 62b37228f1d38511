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
}
