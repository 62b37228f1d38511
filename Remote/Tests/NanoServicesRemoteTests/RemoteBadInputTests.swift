import NanoServices
@testable import NanoServicesRemote
import Testing

/// Bad input gives the client a clear `RemoteError` and the host a log line; the host keeps
/// serving and never runs a message it could not decode.
@Suite(.timeLimit(.minutes(15)))
struct RemoteBadInputTests {
    @Test func anUnknownServiceIsRejected() async throws {
        let ledger = try Ledger.Service()
        try await RemoteTestHarness.run(serving: { $0.serve(ledger, as: "ledger") }) { (harness: RemoteTestHarness) async throws in
            let error = await #expect(throws: RemoteError.self) {
                try await harness.client.handle(to: Ledger.self, named: "nope").balance()
            }
            #expect(error?.code == .unknownService)
            #expect(harness.hostLogs.entries.contains { "\($0.metadata["error"] ?? "")".contains("nope") })
            #expect(try await harness.client.handle(to: Ledger.self, named: "ledger").balance() == 0)
        }
    }

    /// README: "a rejected cast is logged on the host and counted in the client's `lostCasts`
    /// (reported with the next confirmation)" — for each kind of bad input a cast can carry.
    @Test func castsTheHostRejectsAreNeverRunAndCountedAsLost() async throws {
        let ledger = try Ledger.Service()
        try await RemoteTestHarness.run(serving: { $0.serve(ledger, as: "ledger") }) { (harness: RemoteTestHarness) async throws in
            let remote = harness.client.handle(to: Ledger.self, named: "ledger")
            let newer = harness.client.handle(to: LedgerV2.self, named: "ledger")
            remote.record(1)
            newer.record("two")  // declared differently on the host
            newer.stamp(3)       // unknown on the host
            remote.record(4)
            #expect(try await remote.entriesSoFar() == [1, 4])
            #expect(harness.client.lostCasts == 2)
            let unknown = harness.client.handle(to: Ledger.self, named: "nope")
            unknown.record(5)    // an unknown service
            await #expect(throws: RemoteError.self) { try await unknown.balance() }
            #expect(harness.client.lostCasts == 3)
            #expect(harness.hostLogs.entries.filter { $0.level == .warning }.count >= 3)
            #expect(try await remote.entriesSoFar() == [1, 4])
        }
    }

    @Test func aChangedSignatureAndAnUnknownMethodAreRejected() async throws {
        let ledger = try Ledger.Service()
        try await RemoteTestHarness.run(serving: { $0.serve(ledger, as: "ledger") }) { (harness: RemoteTestHarness) async throws in
            let newer = harness.client.handle(to: LedgerV2.self, named: "ledger")
            let mismatch = await #expect(throws: RemoteError.self) { try await newer.entriesSoFar() }
            #expect(mismatch?.code == .signatureMismatch)
            let unknown = await #expect(throws: RemoteError.self) { try await newer.audit() }
            #expect(unknown?.code == .unknownMethod)
            #expect(harness.hostLogs.entries.filter { $0.level == .warning }.count == 2)
        }
    }

    @Test func argumentsThatDoNotDecodeAreNeverRun() async throws {
        let ledger = try Ledger.Service()
        ledger.record(100)
        let withdraw = try #require(Ledger._remoteMethods.first { $0.name == "withdraw(_:note:)" })
        try await RemoteTestHarness.run(serving: { $0.serve(ledger, as: "ledger") }) { (harness: RemoteTestHarness) async throws in
            for arguments: [any Encodable & Sendable] in [["fifty", "note"], [50], [50, "note", 1]] {
                let request = NanoServices._RemoteRequest(
                    service: "ledger", method: withdraw.name, signature: withdraw.signature, arguments: arguments, timeout: nil)
                let error = await #expect(throws: RemoteError.self) {
                    try await harness.client._call(request, returning: Int.self)
                }
                #expect(error?.code == .malformedMessage)
            }
            #expect(try await ledger.entriesSoFar() == [100])
        }
    }

    @Test(arguments: [[], [7], [1, 0, 0, 9, 9], Array(repeating: UInt8(1), count: 40)])
    func aMalformedEnvelopeIsRejected(bytes: [UInt8]) async throws {
        let ledger = try Ledger.Service()
        try await RemoteTestHarness.run(serving: { $0.serve(ledger, as: "ledger") }) { (harness: RemoteTestHarness) async throws in
            let error = await #expect(throws: RemoteError.self) {
                try await harness.client.call(envelope: bytes, service: "ledger", timeout: nil)
            }
            #expect(error?.code == .malformedMessage)
            #expect(try await harness.client.handle(to: Ledger.self, named: "ledger").balance() == 0)
        }
    }

    @Test func anEnvelopeSurvivesTheRoundTrip() throws {
        let envelope = RemoteEnvelope(service: "ledger", method: "record(_:)", signature: 0xfeed_beef_0123_4567, payload: [1, 2, 3])
        #expect(envelope.serialized().first == RemoteEnvelope.version)  // no trace context: version 1
        #expect(try RemoteEnvelope(parsing: envelope.serialized()) == envelope)
        let traced = RemoteEnvelope(
            service: "ledger", method: "record(_:)", signature: 7,
            traceContext: [TraceField(key: "traceparent", value: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")],
            payload: [4, 5])
        #expect(traced.serialized().first == RemoteEnvelope.versionWithTraceContext)
        #expect(try RemoteEnvelope(parsing: traced.serialized()) == traced)
    }

    @Test func aTruncatedTraceContextIsMalformed() throws {
        let traced = RemoteEnvelope(
            service: "s", method: "m()", signature: 1, traceContext: [TraceField(key: "k", value: "v")], payload: [])
        let bytes = traced.serialized()
        for length in 14..<bytes.count {  // past the signature, into the trace context
            #expect(throws: RemoteError.self) { try RemoteEnvelope(parsing: Array(bytes.prefix(length))) }
        }
        var unknownVersion = bytes
        unknownVersion[0] = 3
        let error = #expect(throws: RemoteError.self) { try RemoteEnvelope(parsing: unknownVersion) }
        #expect(error?.code == .malformedMessage)
    }
}
