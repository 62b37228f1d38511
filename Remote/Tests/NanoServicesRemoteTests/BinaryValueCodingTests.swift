import Foundation
@testable import NanoServicesRemote
import Testing

/// The binary `Codable` form of remote arguments and results: every shape `Codable` produces
/// survives the round trip, and bad bytes are refused before anything is decoded.
@Suite struct BinaryValueCodingTests {
    func roundTrip<Value: Codable & Equatable>(_ value: Value) throws -> Value {
        try BinaryValueDecoder.decode(Value.self, from: BinaryValueEncoder.encode(value)[...])
    }

    struct Address: Codable, Equatable { var street: String; var number: UInt16 }
    enum Status: Codable, Equatable { case active, suspended(reason: String, until: Date?), closed(Int8) }
    struct Account: Codable, Equatable {
        var id: Int64
        var owner: String
        var balance: Double
        var ratio: Float
        var flags: [Bool]
        var address: Address?
        var previous: [Address]
        var status: Status
        var limits: [String: Int]
        var byCode: [Int: String]
        var blob: Data
        var opened: Date
        var home: URL
        var nested: [[Int32]]
        var nothing: String?
        var unsigned: UInt64
        var small: Int8
    }

    static let account = Account(
        id: -9_000_000_000, owner: "Zoë 🚀", balance: -12.75, ratio: 0.5, flags: [true, false],
        address: Address(street: "Main", number: 7), previous: [Address(street: "Old", number: 65_535)],
        status: .suspended(reason: "audit", until: Date(timeIntervalSinceReferenceDate: 1_000)),
        limits: ["daily": 500, "monthly": -1], byCode: [1: "one", -2: "minus two"],
        blob: Data([0, 1, 255]), opened: Date(timeIntervalSinceReferenceDate: 123.5),
        home: URL(string: "https://example.com/a?b=c")!, nested: [[1, -2], [], [Int32.max]],
        nothing: nil, unsigned: .max, small: .min)

    @Test func everyCodableShapeSurvivesTheRoundTrip() throws {
        #expect(try roundTrip(Self.account) == Self.account)
        #expect(try roundTrip(Status.active) == .active)
        #expect(try roundTrip(Status.closed(-3)) == .closed(-3))
        #expect(try roundTrip([String: [Int]]()) == [:])
        #expect(try roundTrip("") == "")
        #expect(try roundTrip([Int?.none, 3]) == [nil, 3])
        // A large dictionary (keyed lookups past the linear-search size).
        let large = Dictionary(uniqueKeysWithValues: (0..<1_000).map { ("key \($0)", $0) })
        #expect(try roundTrip(large) == large)
    }

    /// A class hierarchy that encodes its superclass through `superEncoder()`.
    class Base: Codable {
        var name: String
        init(name: String) { self.name = name }
    }

    final class Derived: Base, Equatable {
        var extra: Int
        init(name: String, extra: Int) {
            self.extra = extra
            super.init(name: name)
        }
        enum Keys: CodingKey { case extra }
        required init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            extra = try container.decode(Int.self, forKey: .extra)
            try super.init(from: container.superDecoder())
        }
        override func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(extra, forKey: .extra)
            try super.encode(to: container.superEncoder())
        }
        static func == (a: Derived, b: Derived) -> Bool { a.name == b.name && a.extra == b.extra }
    }

    @Test func aSuperEncoderIsWrittenWhenTheCallerIsDone() throws {
        let value = Derived(name: "base part", extra: 42)
        #expect(try roundTrip(value) == value)
    }

    @Test func aValueOfTheWrongShapeIsADecodingError() throws {
        let text = try BinaryValueEncoder.encode("not a number")
        #expect(throws: DecodingError.self) { try BinaryValueDecoder.decode(Int.self, from: text[...]) }
        let big = try BinaryValueEncoder.encode(300)
        #expect(throws: DecodingError.self) { try BinaryValueDecoder.decode(Int8.self, from: big[...]) }
        let negative = try BinaryValueEncoder.encode(-1)
        #expect(throws: DecodingError.self) { try BinaryValueDecoder.decode(UInt.self, from: negative[...]) }
        let address = try BinaryValueEncoder.encode(Address(street: "Main", number: 7))
        #expect(throws: DecodingError.self) { try BinaryValueDecoder.decode(Account.self, from: address[...]) }  // keys missing
        #expect(throws: DecodingError.self) { try BinaryValueDecoder.decode([Int].self, from: address[...]) }
    }

    @Test func malformedBytesAreRefusedBeforeDecoding() throws {
        func expectMalformed(_ bytes: [UInt8], saying expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let error = #expect(throws: BinaryValue.Malformed.self, sourceLocation: sourceLocation) {
                try BinaryValueDecoder.decode(Account.self, from: bytes[...])
            }
            #expect(error?.description.contains(expected) == true, "\(error?.description ?? "")", sourceLocation: sourceLocation)
        }
        let whole = try BinaryValueEncoder.encode(Self.account)
        // Every truncation of a real value is refused.
        for length in 0..<whole.count {
            #expect(throws: BinaryValue.Malformed.self) { try BinaryValueDecoder.decode(Account.self, from: whole.prefix(length)) }
        }
        expectMalformed(whole + [0], saying: "1 bytes after the value")
        expectMalformed([99], saying: "unknown value tag 99")
        expectMalformed([BinaryValue.Tag.array.rawValue, 0xff, 0xff, 0xff, 0x7f], saying: "does not fit")
        expectMalformed([BinaryValue.Tag.uint.rawValue] + Array(repeating: 0xff, count: 10) + [1], saying: "longer than 64 bits")
        expectMalformed([BinaryValue.Tag.string.rawValue, 2, 0xff, 0xfe], saying: "not valid UTF-8")
        let level: [UInt8] = [BinaryValue.Tag.array.rawValue, 1]
        let deep: [UInt8] = Array(repeating: level, count: BinaryValue.maximumDepth + 1).flatMap { $0 } + [0]
        expectMalformed(deep, saying: "nested deeper than \(BinaryValue.maximumDepth)")
        // At the limit, it reads.
        let deepest: [UInt8] = Array(repeating: level, count: BinaryValue.maximumDepth).flatMap { $0 } + [0]
        #expect(throws: Never.self) { _ = try BinaryValue.read(from: deepest[...]) }
    }

    @Test func integersUseTheFewestBytes() throws {
        #expect(try BinaryValueEncoder.encode(0) == [BinaryValue.Tag.int.rawValue, 0])
        #expect(try BinaryValueEncoder.encode(-1) == [BinaryValue.Tag.int.rawValue, 1])
        #expect(try BinaryValueEncoder.encode(63) == [BinaryValue.Tag.int.rawValue, 126])
        #expect(try BinaryValueEncoder.encode(64) == [BinaryValue.Tag.int.rawValue, 0x80, 1])
        for value in [Int.min, Int.max, 0, -1, 1 << 40] { #expect(try roundTrip(value) == value) }
        for value in [UInt64.max, 0, 127, 128] { #expect(try roundTrip(value) == value) }
    }
}
