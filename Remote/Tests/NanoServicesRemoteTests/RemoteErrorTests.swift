import Foundation
import NanoServices
import GRPCNIOTransportHTTP2
import NanoServicesRemote
import Testing

/// Errors across the wire: the host's `ServiceError` keeps its code, a user error arrives as a
/// `RemoteError` with its type name and description, time limits become deadlines.
@Suite(.timeLimit(.minutes(15)))
struct RemoteErrorTests {
    @Test func aUserErrorArrivesWithItsTypeNameAndDescription() async throws {
        let ledger = try Ledger.Service()
        try await RemoteTestHarness.run(serving: { $0.serve(ledger, as: "ledger") }) { (harness: RemoteTestHarness) async throws in
            let remote = harness.client.handle(to: Ledger.self, named: "ledger")
            let error = await #expect(throws: RemoteError.self) { try await remote.withdraw(10) }
            #expect(error?.code == .userError)
            #expect(error?.typeName?.hasSuffix("Overdrawn") == true)
            #expect(error?.message == "overdrawn by 10")
        }
    }

    @Test func aListedCodableErrorArrivesAsItself() async throws {
        let ledger = try Ledger.Service()
        try await RemoteTestHarness.run(errorTypes: [Overdrawn.self], serving: { $0.serve(ledger, as: "ledger") }) {
            (harness: RemoteTestHarness) async throws in
            let remote = harness.client.handle(to: Ledger.self, named: "ledger")
            await #expect(throws: Overdrawn(missing: 10)) { try await remote.withdraw(10) }
            // The blocking overload too.
            let blocking = await withCheckedContinuation { continuation in
                Thread.detachNewThread { continuation.resume(returning: Result { try remote.withdraw(4) }) }
            }
            #expect(throws: Overdrawn(missing: 4)) { try blocking.get() }
        }
    }

    @Test func aServiceErrorOnTheHostKeepsItsCode() async throws {
        let ledger = try Ledger.Service()
        try await ledger.control.stop()
        try await RemoteTestHarness.run(serving: { $0.serve(ledger, as: "ledger") }) { (harness: RemoteTestHarness) async throws in
            let remote = harness.client.handle(to: Ledger.self, named: "ledger")
            let error = await #expect(throws: ServiceError.self) { try await remote.balance() }
            #expect(error?.code == .stopped)
        }
    }

    @Test(arguments: [true, false])
    func aTimeLimitPerHandleOrPerCallSiteFailsTheCallWithTimeout(perHandle: Bool) async throws {
        let ledger = try Ledger.Service()
        let gate = "timeout-\(perHandle)"
        try await RemoteTestHarness.run(serving: { $0.serve(ledger, as: "ledger") }) { (harness: RemoteTestHarness) async throws in
            let remote = perHandle
                ? harness.client.handle(to: Ledger.self, named: "ledger", timeout: .milliseconds(200))
                : harness.client.handle(to: Ledger.self, named: "ledger").timingOut(after: .milliseconds(200))
            // The host holds the call until the gate opens, which happens only after the error.
            let error = await #expect(throws: ServiceError.self) { try await remote.hold(gate) }
            #expect(error?.code == .timeout)
            // The blocking overload too, from a plain thread.
            let blockingGate = gate + "-blocking"
            let blocking = await withCheckedContinuation { continuation in
                Thread.detachNewThread { continuation.resume(returning: Result { try remote.hold(blockingGate) }) }
            }
            #expect((blocking.failure as? ServiceError)?.code == .timeout)
            Gates.open(gate)
            Gates.open(blockingGate)
        }
    }

    @Test func aClosedPortFailsACallWithTheNetworkCodeAtOnce() async throws {
        try await RemoteNetworkHarness.withClientToClosedPort { (client: RemoteClient<HTTP2ClientTransport.Posix>) async throws in
            let remote = client.handle(to: Ledger.self, named: "ledger", timeout: .seconds(600))
            let error = await #expect(throws: ServiceError.self) { try await remote.balance() }
            #expect(error?.code == .network)
            // The blocking overload too, from a plain thread.
            let blocking = await withCheckedContinuation { continuation in
                Thread.detachNewThread { continuation.resume(returning: Result { try remote.balance() }) }
            }
            #expect((blocking.failure as? ServiceError)?.code == .network)
        }
    }

    /// A client that shuts down while its host cannot be reached does not wait for the host
    /// forever: the casts still queued are dropped and counted.
    @Test func castsQueuedForAnUnreachableHostAreCountedAsLostAtShutdown() async throws {
        var used: RemoteClient<HTTP2ClientTransport.Posix>?
        try await RemoteNetworkHarness.withClientToClosedPort { (client: RemoteClient<HTTP2ClientTransport.Posix>) async throws in
            let remote = client.handle(to: Ledger.self, named: "ledger")
            remote.record(1)
            remote.record(2)
            used = client
        }
        // The harness returned: `run()` ended after the graceful shutdown.
        #expect(used?.lostCasts == 2)
    }

    /// The wait for the host to confirm the casts before a call counts against the call's
    /// time limit: a host that accepts connections and never answers fails the call with
    /// `.timeout` within its limit, not when the connection attempt gives up.
    @Test func aCallBehindCastsToAHostThatNeverAnswersTimesOutWithinItsLimit() async throws {
        try await RemoteNetworkHarness.withClientToSilentHost { (client: RemoteClient<HTTP2ClientTransport.Posix>) async throws in
            let remote = client.handle(to: Ledger.self, named: "ledger", timeout: .milliseconds(300))
            remote.record(1)
            let error = await #expect(throws: ServiceError.self) { try await remote.balance() }
            #expect(error?.code == .timeout)
            #expect(error?.message.contains("had not yet confirmed the casts") == true, "\(String(describing: error))")
        }
    }

    /// Cancelling the calling task ends a remote call with `CancellationError`, as locally —
    /// also while it waits for the host to confirm the casts before it.
    @Test func cancellingACallBehindUnconfirmedCastsThrowsCancellationError() async throws {
        var used: RemoteClient<HTTP2ClientTransport.Posix>?
        try await RemoteNetworkHarness.withClientToSilentHost { (client: RemoteClient<HTTP2ClientTransport.Posix>) async throws in
            let remote = client.handle(to: Ledger.self, named: "ledger")
            remote.record(1)
            let call = Task { try await remote.balance() }
            try await Task.sleep(for: .milliseconds(100))  // usually waiting by now; either way it must end the same
            call.cancel()
            await #expect(throws: CancellationError.self) { try await call.value }
            used = client
        }
        // `run()` was cancelled: the cast the silent host never took is counted as lost.
        #expect(used?.lostCasts == 1)
    }

    @Test func cancellingARemoteCallInFlightThrowsCancellationError() async throws {
        let ledger = try Ledger.Service()
        let gate = "cancel-in-flight"
        try await RemoteTestHarness.run(serving: { $0.serve(ledger, as: "ledger") }) { (harness: RemoteTestHarness) async throws in
            let remote = harness.client.handle(to: Ledger.self, named: "ledger")
            let call = Task { try await remote.hold(gate) }
            await Gates.waitUntilOpened("\(gate)-entered")  // the host runs it
            call.cancel()
            await #expect(throws: CancellationError.self) { try await call.value }
            Gates.open(gate)
        }
    }
}

extension Result {
    /// The error of a failed result, `nil` for a success.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
