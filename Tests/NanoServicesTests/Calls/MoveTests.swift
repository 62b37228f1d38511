import NanoServices
import Testing

@Suite("Moves")
struct MoveTests {
    static let size = 64 << 20

    private static func baseAddress(_ buffer: [UInt8]) -> UInt {
        buffer.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }

    @Test("a 64 MiB buffer sent in, written to by the service and returned is never copied")
    func bufferRoundTrip() throws {
        let vault = try Vault.Service()
        let buffer = [UInt8](repeating: 1, count: Self.size)
        let original = Self.baseAddress(buffer)
        // `consume` ends the caller's reference at once (optimised builds do it on their own).
        let returned = try vault.stamp(consume buffer)
        #expect(Self.baseAddress(returned) == original)
        #expect(returned[0] == 0xAB)
        #expect(returned.count == Self.size)
    }

    @Test("the service writes into the caller's very buffer (same base address on both sides)")
    func bufferSeenByService() throws {
        let vault = try Vault.Service()
        let buffer = [UInt8](repeating: 1, count: Self.size)
        let original = Self.baseAddress(buffer)
        #expect(try vault.stampAndReportAddress(consume buffer) == original)
    }

    @Test("a non-Sendable class instance can be sent, and sent back")
    func nonSendableInstance() throws {
        let vault = try Vault.Service()
        let document = Document(title: "draft")
        vault.keep(document)
        // `document` cannot be used here any more: the compiler rejects use after send.
        #expect(try vault.titles() == ["draft (1)"])
        let back = try vault.draft(title: "second")
        back.edits += 1 // the caller owns it now
        #expect(back.title == "second")
        #expect(back.edits == 2)
    }
}
