import Foundation
import NanoServices
@testable import NanoServicesRemote
import Testing

/// Arguments and results: the standard scalar types, `String` and `[UInt8]` cross as a tag
/// byte and their bytes; every other `Codable` value as JSON; decoding is strict.
@Suite struct RemotePayloadTests {
    /// Encodes `value` as a result, checks its size, decodes it back (as a result and as an argument).
    func roundTrip<Value: Codable & Sendable & Equatable>(_ value: Value, bytes expected: Int) throws {
        let bytes = try RemotePayload.encode(result: value)
        #expect(bytes.count == expected, "\(Value.self) \(value): \(bytes)")
        #expect(try RemotePayload.decode(Value.self, from: bytes) == value)
        let reader = PayloadArgumentReader(try RemotePayload.encode(arguments: [value, value]))
        #expect(try reader.read(Value.self) == value)
        #expect(try reader.read(Value.self) == value)
        try reader.finish()
    }

    @Test func scalarsStringsAndBytesCrossInBinary() throws {
        try roundTrip(Int.min, bytes: 9)
        try roundTrip(Int.max, bytes: 9)
        try roundTrip(Int64(-2), bytes: 9)
        try roundTrip(Int32.min, bytes: 5)
        try roundTrip(Int16(-300), bytes: 3)
        try roundTrip(Int8(-7), bytes: 2)
        try roundTrip(UInt.max, bytes: 9)
        try roundTrip(UInt64(0x0102_0304_0506_0708), bytes: 9)
        try roundTrip(UInt32.max, bytes: 5)
        try roundTrip(UInt16(513), bytes: 3)
        try roundTrip(UInt8(255), bytes: 2)
        try roundTrip(true, bytes: 2)
        try roundTrip(false, bytes: 2)
        try roundTrip(-0.0 as Double, bytes: 9)
        try roundTrip(Double.infinity, bytes: 9)
        try roundTrip(Float(1.5), bytes: 5)
        try roundTrip("", bytes: 1)
        try roundTrip("héllo, wörld", bytes: 1 + "héllo, wörld".utf8.count)
        try roundTrip([UInt8](), bytes: 1)
        try roundTrip([UInt8]([0, 1, 255]), bytes: 4)
        try roundTrip(_RemoteVoid(), bytes: 1)
        // Little-endian on every platform.
        #expect(try RemotePayload.encode(result: 258) == [Int.payloadTag, 2, 1, 0, 0, 0, 0, 0, 0])
        // A NaN keeps its exact bit pattern.
        let nan = Double(bitPattern: 0x7ff8_0000_0000_1234)
        #expect(try RemotePayload.decode(Double.self, from: RemotePayload.encode(result: nan)).bitPattern == nan.bitPattern)
    }

    @Test func tagsAreDistinctAndNeverStartJSON() {
        let tags = binaryPayloadTypes.map { $0.payloadTag }
        #expect(Set(tags).count == tags.count)
        #expect(!tags.contains(RemotePayload.jsonStart))
        #expect(!tags.contains(RemotePayload.codableTag))
        #expect(!tags.contains(0))
    }

    @Test func otherCodableValuesCrossInTheirBinaryCodableForm() throws {
        struct Entry: Codable, Equatable, Sendable { var amount: Int; var note: String? }
        let entry = Entry(amount: 5, note: "rent")
        let bytes = try RemotePayload.encode(result: entry)
        #expect(bytes.first == RemotePayload.codableTag)
        #expect(try RemotePayload.decode(Entry.self, from: bytes) == entry)
        // An array of another type than UInt8, and an optional scalar, take the same form.
        #expect(try RemotePayload.encode(result: [1, 2]).first == RemotePayload.codableTag)
        #expect(try RemotePayload.decode([Int].self, from: RemotePayload.encode(result: [1, 2])) == [1, 2])
        #expect(try RemotePayload.decode(Int?.self, from: RemotePayload.encode(result: Int?.none)) == nil)
        #expect(try RemotePayload.decode(Int?.self, from: RemotePayload.encode(result: Int?.some(3))) == 3)
        // Smaller than JSON, which spells the keys and the digits out.
        #expect(bytes.count < Array(try JSONEncoder().encode([entry])).count)
    }

    @Test func codableValuesSentAsJSONStillDecode() throws {
        struct Entry: Codable, Equatable { var amount: Int; var note: String? }
        #expect(try RemotePayload.decode(Entry.self, from: Array(#"[{"amount":5,"note":"rent"}]"#.utf8)) == Entry(amount: 5, note: "rent"))
        #expect(try RemotePayload.decode(Int?.self, from: Array("[null]".utf8)) == nil)
    }

    @Test func aScalarSentAsJSONStillDecodes() throws {
        // What a client from before binary payloads sends.
        #expect(try RemotePayload.decode(Int.self, from: Array("[42]".utf8)) == 42)
        #expect(try RemotePayload.decode(String.self, from: Array("[\"x\"]".utf8)) == "x")
        #expect(try RemotePayload.decode(_RemoteVoid.self, from: Array("[{}]".utf8)) == _RemoteVoid())
    }

    /// Each malformed form is rejected with `malformedMessage` and a message naming `expected`.
    func expectMalformed<Value: Decodable>(_ type: Value.Type, _ bytes: [UInt8], saying expected: String) {
        let error = #expect(throws: RemoteError.self) { try RemotePayload.decode(Value.self, from: bytes) }
        #expect(error?.code == .malformedMessage)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
    }

    @Test func malformedBinaryValuesAreRejected() throws {
        expectMalformed(Int.self, [], saying: "the result is empty")
        expectMalformed(Int.self, [String.payloadTag] + Array("12".utf8), saying: "was sent as String, not as Int")
        expectMalformed(Int64.self, [Int.payloadTag, 0, 0, 0, 0, 0, 0, 0, 0], saying: "was sent as Int, not as Int64")
        expectMalformed(Int.self, [200, 1], saying: "was sent as an unknown type (tag 200), not as Int")
        expectMalformed(Int.self, [Int.payloadTag, 1, 2, 3], saying: "not a valid Int (3 bytes)")
        expectMalformed(Int.self, [Int.payloadTag] + Array(repeating: 0, count: 9), saying: "not a valid Int (9 bytes)")
        expectMalformed(Bool.self, [Bool.payloadTag, 2], saying: "not a valid Bool")
        expectMalformed(Bool.self, [Bool.payloadTag], saying: "not a valid Bool (0 bytes)")
        expectMalformed(String.self, [String.payloadTag, 0xff, 0xfe], saying: "not a valid String")
        expectMalformed(_RemoteVoid.self, [_RemoteVoid.payloadTag, 0], saying: "not a valid nothing")
        expectMalformed(Double.self, [Double.payloadTag, 0, 0, 0, 0], saying: "not a valid Double")
        // A struct cannot be sent in binary.
        struct Entry: Codable { var amount: Int }
        expectMalformed(Entry.self, [Int.payloadTag, 0, 0, 0, 0, 0, 0, 0, 0], saying: "not as Entry")
        // Its binary Codable form: refused bytes, and bytes of another shape.
        expectMalformed(Entry.self, [RemotePayload.codableTag, 99], saying: "the result is malformed: unknown value tag 99")
        expectMalformed(Entry.self, [RemotePayload.codableTag], saying: "the result is malformed: the value ends early")
        expectMalformed(Entry.self, try RemotePayload.encode(result: [1]), saying: "cannot decode the result as Entry")
        // Bad JSON stays malformed too.
        expectMalformed(Int.self, Array("[1,2]".utf8), saying: "not one value")
        expectMalformed(Int.self, Array("[\"x\"]".utf8), saying: "cannot decode the result as Int")
    }

    @Test func anArgumentNamesItsPosition() throws {
        let reader = PayloadArgumentReader(try RemotePayload.encode(arguments: [1, "two"]))
        #expect(try reader.read(Int.self) == 1)
        let error = #expect(throws: RemoteError.self) { try reader.read(Int.self) }
        #expect(error?.message.contains("argument #2 was sent as String, not as Int") == true, "\(error?.message ?? "")")
    }
}
