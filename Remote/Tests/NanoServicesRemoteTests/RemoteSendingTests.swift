import Foundation
import NanoServices
import NanoServicesRemote
import Testing

/// A `Codable` class that is not `Sendable`: it can cross only as a `sending` argument.
final class Draft: Codable {
    var lines: [String]
    var attachment: Data

    init(lines: [String], attachment: Data) {
        self.lines = lines
        self.attachment = attachment
    }
}

@NanoService
@RemoteService
final class Archive {
    private var lines: [String] = []
    private var bytes = 0

    init() {}

    /// A cast with a non-`Sendable` argument, moved in.
    public func store(_ draft: sending Draft) {
        lines += draft.lines
        bytes += draft.attachment.count
    }

    /// A call with one: returns what it was given, counted.
    public func measure(_ draft: sending Draft, label: String) -> String {
        "\(label): \(draft.lines.count) lines, \(draft.attachment.count) bytes"
    }

    public func contents() -> [String] { lines }
    public func storedBytes() -> Int { bytes }
}

@Suite(.timeLimit(.minutes(15)))
struct RemoteSendingTests {
    @Test func aSendingArgumentOfANonSendableTypeCrosses() async throws {
        let archive = try Archive.Service()
        try await RemoteTestHarness.run(serving: { $0.serve(archive, as: "archive") }) { (harness: RemoteTestHarness) async throws in
            let remote = harness.client.handle(to: Archive.self, named: "archive")
            remote.store(Draft(lines: ["a", "b"], attachment: Data([1, 2, 3])))
            #expect(try await remote.measure(Draft(lines: ["x"], attachment: Data(count: 5)), label: "m") == "m: 1 lines, 5 bytes")
            #expect(try await remote.contents() == ["a", "b"])
            #expect(try await remote.storedBytes() == 3)
            // The blocking overload too, from a plain thread.
            let answer = await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    continuation.resume(returning: Result { try remote.measure(Draft(lines: [], attachment: Data()), label: "t") })
                }
            }
            #expect(try answer.get() == "t: 0 lines, 0 bytes")
        }
    }
}
