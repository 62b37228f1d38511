import GRPCNIOTransportHTTP2
import NanoServices
@testable import NanoServicesRemote
import Testing

/// Casts queued together travel in one stream message (`CastBatch`); a malformed batch is
/// counted as rejected and never run.
@Suite(.timeLimit(.minutes(15)))
struct CastBatchTests {
    let envelopes: [[UInt8]] = [
        RemoteEnvelope(service: "ledger", method: "record(_:)", signature: 1, payload: [1]).serialized(),
        RemoteEnvelope(service: "ledger", method: "", signature: 9, payload: []).serialized(),  // a barrier
        RemoteEnvelope(service: "ledger", method: "record(_:)", signature: 1, payload: Array(repeating: 7, count: 300)).serialized(),
    ]

    @Test func aBatchKeepsItsEnvelopesAndTheirOrder() throws {
        let frame = CastBatch.frame(envelopes)
        #expect(CastBatch.isBatch(frame))
        #expect(envelopes.allSatisfy { !CastBatch.isBatch($0) })  // envelopes start with version 1 or 2
        #expect(try CastBatch.envelopes(of: frame) == envelopes)
        #expect(try CastBatch.envelopes(of: CastBatch.frame([])) == [])
    }

    @Test func everyTruncationAndATrailingByteAreMalformedAndSayHowManyCastsWereClaimed() {
        let frame = CastBatch.frame(envelopes)
        for length in 0..<frame.count {
            do {
                _ = try CastBatch.envelopes(of: Array(frame.prefix(length)))
                Issue.record("a frame cut to \(length) of \(frame.count) bytes was accepted")
            } catch {
                #expect(error.error.code == .malformedMessage)
                #expect(error.claimed == (length >= 5 ? 3 : 0))
            }
        }
        #expect(throws: CastBatch.MalformedBatch.self) { try CastBatch.envelopes(of: frame + [0]) }
    }

    @Test func aCountTheFrameCannotHoldIsRefusedBeforeAnythingIsAllocated() {
        let frame: [UInt8] = [CastBatch.marker, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]
        do {
            _ = try CastBatch.envelopes(of: frame)
            Issue.record("a frame claiming 4 billion casts in 9 bytes was accepted")
        } catch {
            #expect(error.claimed == Int(UInt32.max))
            #expect("\(error.error)".contains("claims"))
        }
    }

    @Test func theQueueHandsOverEverythingQueuedUpToTheByteBoundAndALargeEnvelopeAlone() async {
        let queue = CastQueue()
        for index in 0..<5 { queue.push(QueuedEnvelope(bytes: Array(repeating: UInt8(index), count: 10), barrier: index == 2 ? 7 : nil)) }
        queue.push(QueuedEnvelope(bytes: Array(repeating: 9, count: 100), barrier: nil))
        let first = await queue.nextBatch(maxBytes: 35)
        #expect(first?.map { $0.bytes[0] } == [0, 1, 2])
        #expect(first?[2].barrier == 7)
        #expect(await queue.nextBatch(maxBytes: 35)?.map { $0.bytes[0] } == [3, 4])
        #expect(await queue.nextBatch(maxBytes: 35)?.map(\.bytes.count) == [100])  // over the bound: alone
        queue.finish()
        #expect(await queue.nextBatch(maxBytes: 35) == nil)
    }

    @Test func theHostSplitsABatchAndRejectsAMalformedOneWholeWithALogLine() async throws {
        let ledger = try Ledger.Service()
        try await RemoteTestHarness.run(serving: { $0.serve(ledger, as: "ledger") }) { (harness: RemoteTestHarness) async throws in
            #expect(try await harness.client.handle(to: Ledger.self, named: "ledger").balance() == 0)  // the host runs
            var rejected: UInt64 = 0
            #expect(harness.host.castEnvelopes(in: envelopes[0], rejected: &rejected) == [envelopes[0]])
            #expect(harness.host.castEnvelopes(in: CastBatch.frame(envelopes), rejected: &rejected) == envelopes)
            #expect(rejected == 0 && harness.hostLogs.entries.isEmpty)
            #expect(harness.host.castEnvelopes(in: Array(CastBatch.frame(envelopes).dropLast()), rejected: &rejected) == [])
            #expect(rejected == 3)
            #expect(harness.hostLogs.entries.contains { "\($0.message)".contains("rejected a batch of remote casts") && $0.level == .warning })
        }
    }

    @Test func aCastTheHostRejectsIsNeverRunAndIsCountedAsLostWithTheNextConfirmation() async throws {
        let ledger = try Ledger.Service()
        try await RemoteTestHarness.run(serving: { $0.serve(ledger, as: "ledger") }) { (harness: RemoteTestHarness) async throws in
            let remote = harness.client.handle(to: Ledger.self, named: "ledger")
            remote.record(1)
            harness.client.cast(envelope: [7, 0, 1], service: "ledger")  // not an envelope
            remote.record(2)
            #expect(try await remote.entriesSoFar() == [1, 2])
            #expect(harness.client.lostCasts == 1)
            #expect(harness.hostLogs.entries.contains { "\($0.message)".contains("rejected a remote request") && $0.level == .warning })
        }
    }

    @Test func aBurstOfLargeCastsArrivesWholeAndInOrderOverHTTP2() async throws {
        // Batches on a real connection, where gRPC enforces its 4 MiB limit on a message:
        // 8,000 casts of 1 KiB each (8 MiB) sent in a burst; every one arrives, in order.
        let notebook = try Notebook.Service()
        try await RemoteNetworkHarness.withHost(serving: { $0.serve(notebook, as: "notebook") }) { port in
            try await RemoteNetworkHarness.withClient(port: port) { client in
                let remote = client.handle(to: Notebook.self, named: "notebook")
                try await RemoteNetworkHarness.retryUntilConnected { _ = try await remote.indices() }
                let text = String(repeating: "x", count: 1_024)
                for index in 0..<8_000 { remote.write(index, text: text) }
                #expect(try await remote.indices() == Array(0..<8_000))
                #expect(client.lostCasts == 0)
            }
        }
    }
}

/// Keeps the index of every note whose text arrived whole.
@NanoService @RemoteService
final class Notebook {
    private var written: [Int] = []

    init() {}

    public func write(_ index: Int, text: String) {
        if text.utf8.count == 1_024 { written.append(index) }
    }

    public func indices() -> [Int] { written }
}
