import Foundation
import NanoServices

/// Encodes arguments and results: each argument on its own (a 32-bit little-endian length,
/// then the value), so that the host can decode them one by one with the types its method
/// table names. A result is one value.
///
/// A value starts with a byte that says its form:
/// * a ``BinaryPayloadValue`` type's tag (the integers, `Bool`, `Double`, `Float`, `String`,
///   `[UInt8]`, no result): the value's bytes follow;
/// * ``codableTag``: any other `Codable` value, in the binary form of ``BinaryValue``
///   (``BinaryValueEncoder``: its `Codable` encoding, without text);
/// * `[`: a one-element JSON array, what clients sent before the binary forms; still read.
/// Runs on the caller's task (client) or request task (host).
enum RemotePayload {
    /// The first byte of a JSON value: `[`.
    static let jsonStart = UInt8(ascii: "[")
    /// The first byte of a `Codable` value in the form of ``BinaryValue``.
    static let codableTag: UInt8 = 17

    /// Encodes `arguments`, in order. Throws `EncodingError` for a value that cannot be encoded.
    static func encode(arguments: [any Encodable & Sendable]) throws -> [UInt8] {
        var bytes: [UInt8] = []
        for argument in arguments {
            let value = try encodeOne(argument)
            bytes.append(contentsOf: littleEndianBytes(UInt32(value.count)))
            bytes.append(contentsOf: value)
        }
        return bytes
    }

    /// Encodes a result.
    static func encode(result: any Encodable & Sendable) throws -> [UInt8] {
        try encodeOne(result)
    }

    /// Decodes a result; a mismatch is ``RemoteError/Code/malformedMessage``.
    static func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws -> Value {
        try decodeOne(Value.self, from: bytes[...], what: "the result")
    }

    /// One value: its bytes for a ``BinaryPayloadValue``, its `Codable` encoding (binary) for
    /// any other.
    static func encodeOne<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        // By the static type: a dynamic cast would look through an `Optional<Int>` and send an
        // `Int` that the receiver, expecting `Int?`, must reject.
        if Value.self is any BinaryPayloadValue.Type, let binary = value as? any BinaryPayloadValue {
            var bytes = [type(of: binary).payloadTag]
            binary.appendPayload(to: &bytes)
            return bytes
        }
        return [codableTag] + (try BinaryValueEncoder.encode(value))
    }

    static func decodeOne<Value: Decodable>(_ type: Value.Type, from bytes: ArraySlice<UInt8>, what: String) throws -> Value {
        guard let first = bytes.first else { throw RemoteError(.malformedMessage, "\(what) is empty") }
        if first == codableTag { return try decodeCodable(Value.self, from: bytes.dropFirst(), what: what) }
        guard first == jsonStart else { return try decodeBinary(Value.self, tag: first, from: bytes.dropFirst(), what: what) }
        do {
            let values = try JSONDecoder().decode([Value].self, from: Data(bytes))
            guard values.count == 1 else { throw RemoteError(.malformedMessage, "\(what) is not one value") }
            return values[0]
        } catch let error as RemoteError {
            throw error
        } catch {
            throw RemoteError(.malformedMessage, "cannot decode \(what) as \(Value.self): \(error)")
        }
    }

    private static func decodeCodable<Value: Decodable>(_ type: Value.Type, from bytes: ArraySlice<UInt8>, what: String) throws -> Value {
        do {
            return try BinaryValueDecoder.decode(Value.self, from: bytes)
        } catch let error as BinaryValue.Malformed {
            throw RemoteError(.malformedMessage, "\(what) is malformed: \(error)")
        } catch {
            throw RemoteError(.malformedMessage, "cannot decode \(what) as \(Value.self): \(error)")
        }
    }

    private static func decodeBinary<Value: Decodable>(
        _ type: Value.Type, tag: UInt8, from payload: ArraySlice<UInt8>, what: String
    ) throws -> Value {
        guard let binary = Value.self as? any BinaryPayloadValue.Type, binary.payloadTag == tag else {
            let sent = binaryPayloadTypes.first { $0.payloadTag == tag }.map { $0.payloadTypeName } ?? "an unknown type (tag \(tag))"
            throw RemoteError(.malformedMessage, "\(what) was sent as \(sent), not as \(Value.self)")
        }
        guard let value = decoded(binary, from: payload) else {
            throw RemoteError(.malformedMessage, "\(what) is not a valid \(binary.payloadTypeName) (\(payload.count) bytes)")
        }
        return value as! Value  // `binary` is `Value.self`
    }

    private static func decoded<Binary: BinaryPayloadValue>(_ type: Binary.Type, from payload: ArraySlice<UInt8>) -> Binary? {
        Binary(payload: payload)
    }
}

/// Reads the arguments of one request, in order, for the generated method table. Used on the
/// host's request task only.
final class PayloadArgumentReader: NanoServices._RemoteArgumentReader {
    private var reader: ByteReader
    private var index = 0

    init(_ payload: [UInt8]) { reader = ByteReader(payload) }

    func read<Value: Decodable>(_ type: Value.Type) throws -> sending Value {
        index += 1
        guard !reader.isAtEnd else { throw RemoteError(.malformedMessage, "argument #\(index) is missing") }
        let length = try reader.uint32()
        let bytes = try reader.take(Int(length))
        // Sound: decoded from bytes by a decoder of its own, the value shares no state with
        // this reader or anything else, so it may be sent on to a `sending` parameter.
        nonisolated(unsafe) let value = try RemotePayload.decodeOne(Value.self, from: bytes, what: "argument #\(index)")
        return value
    }

    func finish() throws {
        guard reader.isAtEnd else { throw RemoteError(.malformedMessage, "more arguments than the method takes (\(index))") }
    }
}
