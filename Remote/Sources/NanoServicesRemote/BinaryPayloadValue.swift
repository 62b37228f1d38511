import NanoServices

/// A type whose values cross as a few bytes instead of JSON: the integers, `Bool`, `Double`,
/// `Float`, `String`, `[UInt8]`, and the empty result of a method that returns nothing.
///
/// On the wire such a value is a tag byte (its type: ``payloadTag``, never `[`, which starts
/// a JSON value) and then its bytes: an integer or a floating-point bit pattern little-endian,
/// a `Bool` as 0 or 1, a `String` as UTF-8, `[UInt8]` as itself. Decoding is strict: a value
/// sent as another type, or whose bytes do not have that type's exact form, is
/// ``RemoteError/Code/malformedMessage``. Any other `Codable` value is JSON (``RemotePayload``).
///
/// Why: JSON through `Codable` cost about 40 µs of a 150 µs in-process remote call for one
/// `Int` argument and an `Int` result (four encodings and decodings); these types are most
/// arguments and results. Pure functions of their input; any thread.
protocol BinaryPayloadValue: Sendable {
    /// The type's tag, distinct for every conforming type.
    static var payloadTag: UInt8 { get }
    /// The type's name in a decoding error.
    static var payloadTypeName: String { get }
    /// Appends the value's bytes (without the tag).
    func appendPayload(to bytes: inout [UInt8])
    /// The value whose bytes (without the tag) are `payload`; `nil` when they are not a value
    /// of this type (wrong length, a `Bool` other than 0 or 1, a `String` that is not UTF-8).
    init?(payload: ArraySlice<UInt8>)
}

extension BinaryPayloadValue {
    static var payloadTypeName: String { "\(Self.self)" }
}

/// The integer types: their fixed width, little-endian.
protocol BinaryPayloadInteger: BinaryPayloadValue, FixedWidthInteger {}

extension BinaryPayloadInteger {
    func appendPayload(to bytes: inout [UInt8]) {
        withUnsafeBytes(of: littleEndian) { bytes.append(contentsOf: $0) }
    }

    init?(payload: ArraySlice<UInt8>) {
        guard payload.count == MemoryLayout<Self>.size else { return nil }
        var value = Self.zero
        for (index, byte) in payload.enumerated() { value |= Self(truncatingIfNeeded: byte) << (index * 8) }
        self = value
    }
}

/// Every type sent in binary; their tags are distinct (a test checks).
let binaryPayloadTypes: [any BinaryPayloadValue.Type] = [
    Int.self, Int64.self, Int32.self, Int16.self, Int8.self, UInt.self, UInt64.self, UInt32.self, UInt16.self, UInt8.self,
    Bool.self, Double.self, Float.self, String.self, [UInt8].self, _RemoteVoid.self,
]

extension Int: BinaryPayloadInteger { static var payloadTag: UInt8 { 1 } }
extension Int64: BinaryPayloadInteger { static var payloadTag: UInt8 { 2 } }
extension Int32: BinaryPayloadInteger { static var payloadTag: UInt8 { 3 } }
extension Int16: BinaryPayloadInteger { static var payloadTag: UInt8 { 4 } }
extension Int8: BinaryPayloadInteger { static var payloadTag: UInt8 { 5 } }
extension UInt: BinaryPayloadInteger { static var payloadTag: UInt8 { 6 } }
extension UInt64: BinaryPayloadInteger { static var payloadTag: UInt8 { 7 } }
extension UInt32: BinaryPayloadInteger { static var payloadTag: UInt8 { 8 } }
extension UInt16: BinaryPayloadInteger { static var payloadTag: UInt8 { 9 } }
extension UInt8: BinaryPayloadInteger { static var payloadTag: UInt8 { 10 } }

extension Bool: BinaryPayloadValue {
    static var payloadTag: UInt8 { 11 }
    func appendPayload(to bytes: inout [UInt8]) { bytes.append(self ? 1 : 0) }
    init?(payload: ArraySlice<UInt8>) {
        guard payload.count == 1, let byte = payload.first, byte <= 1 else { return nil }
        self = byte == 1
    }
}

extension Double: BinaryPayloadValue {
    static var payloadTag: UInt8 { 12 }
    func appendPayload(to bytes: inout [UInt8]) { bitPattern.appendPayload(to: &bytes) }
    init?(payload: ArraySlice<UInt8>) {
        guard let bits = UInt64(payload: payload) else { return nil }
        self.init(bitPattern: bits)
    }
}

extension Float: BinaryPayloadValue {
    static var payloadTag: UInt8 { 13 }
    func appendPayload(to bytes: inout [UInt8]) { bitPattern.appendPayload(to: &bytes) }
    init?(payload: ArraySlice<UInt8>) {
        guard let bits = UInt32(payload: payload) else { return nil }
        self.init(bitPattern: bits)
    }
}

extension String: BinaryPayloadValue {
    static var payloadTag: UInt8 { 14 }
    func appendPayload(to bytes: inout [UInt8]) { bytes.append(contentsOf: utf8) }
    init?(payload: ArraySlice<UInt8>) {
        guard let text = String(validating: payload, as: UTF8.self) else { return nil }
        self = text
    }
}

extension Array: BinaryPayloadValue where Element == UInt8 {
    static var payloadTag: UInt8 { 15 }
    static var payloadTypeName: String { "[UInt8]" }
    func appendPayload(to bytes: inout [UInt8]) { bytes.append(contentsOf: self) }
    init?(payload: ArraySlice<UInt8>) { self.init(payload) }
}

extension _RemoteVoid: BinaryPayloadValue {
    static var payloadTag: UInt8 { 16 }
    static var payloadTypeName: String { "nothing (a method without a result)" }
    func appendPayload(to bytes: inout [UInt8]) {}
    init?(payload: ArraySlice<UInt8>) {
        guard payload.isEmpty else { return nil }
        self.init()
    }
}
