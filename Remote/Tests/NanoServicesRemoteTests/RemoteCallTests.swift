import Foundation
import GRPCInProcessTransport
import NanoServices
import NanoServicesRemote
import Testing

/// Calls and casts through a generated remote handle, on the in-process transport.
@Suite(.timeLimit(.minutes(15)))
struct RemoteCallTests {
    @Test func aRemoteCallReturnsTheMethodsResult() async throws {
        let ledger = try Ledger.Service()
        ledger.record(5)
        try await RemoteTestHarness.run(serving: { $0.serve(ledger, as: "ledger") }) { (harness: RemoteTestHarness) async throws in
            let remote = harness.client.handle(to: Ledger.self, named: "ledger")
            #expect(try await remote.balance() == 5)
            #expect(try await remote.withdraw(3, note: "rent") == 2)
            try await remote.reset()
            #expect(try await remote.entriesSoFar() == [])
        }
    }

    @Test func remoteCastsAreHandledInTheOrderSent() async throws {
        let ledger = try Ledger.Service()
        try await RemoteTestHarness.run(serving: { $0.serve(ledger, as: "ledger") }) { (harness: RemoteTestHarness) async throws in
            let remote = harness.client.handle(to: Ledger.self, named: "ledger")
            for amount in 1...2_000 { remote.record(amount) }
            // A call after casts sees them all, as on a local handle.
            #expect(try await remote.entriesSoFar() == Array(1...2_000))
        }
    }

    /// README: "a graceful shutdown waits for queued casts to be written" — with no call after
    /// the casts to flush them, and the client shut down before the host.
    @Test func aGracefulShutdownOfTheClientWritesTheCastsStillQueued() async throws {
        let ledger = try Ledger.Service()
        let transport = InProcessTransport()
        let host = RemoteHost(transport: transport.server)
        host.serve(ledger, as: "ledger")
        let client = RemoteClient(transport: transport.client)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await host.run() }
            let clientRun = Task { try await client.run() }
            let remote = client.handle(to: Ledger.self, named: "ledger")
            for amount in 1...1_000 { remote.record(amount) }
            client.beginGracefulShutdown()
            try await clientRun.value  // returns once the queued casts are written
            #expect(client.lostCasts == 0)
            // Written, so handed to the host: they reach the service, in order.
            while try await ledger.entriesSoFar().count < 1_000 { try await Task.sleep(for: .milliseconds(1)) }
            #expect(try await ledger.entriesSoFar() == Array(1...1_000))
            host.beginGracefulShutdown()
            try await group.waitForAll()
        }
    }

    @Test func castsFromSeveralTasksKeepEachTasksOrder() async throws {
        let ledger = try Ledger.Service()
        try await RemoteTestHarness.run(serving: { $0.serve(ledger, as: "ledger") }) { (harness: RemoteTestHarness) async throws in
            let remote = harness.client.handle(to: Ledger.self, named: "ledger")
            await withTaskGroup(of: Void.self) { group in
                for sender in 0..<4 {
                    group.addTask { for index in 0..<500 { remote.record(sender * 1_000 + index) } }
                }
            }
            let entries = try await remote.entriesSoFar()
            #expect(entries.count == 2_000)
            for sender in 0..<4 {
                #expect(entries.filter { $0 / 1_000 == sender } == (0..<500).map { sender * 1_000 + $0 })
            }
        }
    }

    @Test func theBlockingOverloadWorksFromAPlainThread() async throws {
        let ledger = try Ledger.Service()
        ledger.record(9)
        try await RemoteTestHarness.run(serving: { $0.serve(ledger, as: "ledger") }) { (harness: RemoteTestHarness) async throws in
            let remote = harness.client.handle(to: Ledger.self, named: "ledger")
            let balance = await withCheckedContinuation { continuation in
                Thread.detachNewThread { continuation.resume(returning: Result { try remote.balance() }) }
            }
            #expect(try balance.get() == 9)
        }
    }

    @Test func aHostServesSeveralNamedServices() async throws {
        let first = try Ledger.Service()
        let second = try Ledger.Service()
        first.record(1)
        second.record(2)
        try await RemoteTestHarness.run(serving: { host in
            host.serve(first, as: "first")
            host.serve(second, as: "second")
        }) { (harness: RemoteTestHarness) async throws in
            #expect(try await harness.client.handle(to: Ledger.self, named: "first").balance() == 1)
            #expect(try await harness.client.handle(to: Ledger.self, named: "second").balance() == 2)
        }
    }
}
