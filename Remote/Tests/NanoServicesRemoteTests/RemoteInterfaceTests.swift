import NanoServices
import NanoServicesRemote
import Testing

/// A `@ServiceInterface` protocol named in `@NanoService(P.self)` is satisfied by both the
/// local handle and the remote one.
@Suite(.timeLimit(.minutes(15)))
struct RemoteInterfaceTests {
    /// Calling code written once, against the protocol.
    private func deposit(_ amounts: [Int], into balances: any Balances) async throws -> Int {
        amounts.forEach { balances.record($0) }
        return try await balances.balance()
    }

    @Test func oneFunctionTakesTheLocalAndTheRemoteHandle() async throws {
        let ledger = try Ledger.Service()
        let localTotal = try await deposit([1, 2], into: ledger)
        #expect(localTotal == 3)
        try await RemoteTestHarness.run(serving: { $0.serve(ledger, as: "ledger") }) { (harness: RemoteTestHarness) async throws in
            let remote: any Balances = harness.client.handle(to: Ledger.self, named: "ledger")
            let total = try await deposit([10, 20], into: remote)
            #expect(total == 33)
        }
    }
}
