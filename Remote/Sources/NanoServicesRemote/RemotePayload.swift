import Foundation
import NanoServices

/// Encodes arguments and results as JSON: each argument on its own (a 32-bit little-endian
/// length, then a one-element JSON array holding the value), so that the host can decode them
/// one by one with the types its method table names. A result is one one-element JSON array.
///
/// JSON because every `Codable` type supports it and a message can be read in a log; the
/// envelope and framing are binary. Runs on the caller's task (client) or request task (host).
enum RemotePayload {
    /// Encodes `arguments`, in order. Throws `EncodingError` for a value that cannot be encoded.
    static func encode(arguments: [any Encodable & Sendable]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        var bytes: [UInt8] = []
        for argument in arguments {
            let json = try encodeOne(argument, with: encoder)
            bytes.append(contentsOf: littleEndianBytes(UInt32(json.count)))
            bytes.append(contentsOf: json)
        }
        return bytes
    }

    /// Encodes a result.
    static func encode(result: any Encodable & Sendable) throws -> [UInt8] {
        try encodeOne(result, with: JSONEncoder())
    }

    /// Decodes a result; a mismatch is ``RemoteError/Code/malformedMessage``.
    static func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws -> Value {
        try decodeOne(Value.self, from: bytes[...], with: JSONDecoder(), what: "the result")
    }

    private static func encodeOne<Value: Encodable>(_ value: Value, with encoder: JSONEncoder) throws -> [UInt8] {
        Array(try encoder.encode([value]))
    }

    fileprivate static func decodeOne<Value: Decodable>(
        _ type: Value.Type, from bytes: ArraySlice<UInt8>, with decoder: JSONDecoder, what: String
    ) throws -> Value {
        do {
            let values = try decoder.decode([Value].self, from: Data(bytes))
            guard values.count == 1 else { throw RemoteError(.malformedMessage, "\(what) is not one value") }
            return values[0]
        } catch let error as RemoteError {
            throw error
        } catch {
            throw RemoteError(.malformedMessage, "cannot decode \(what) as \(Value.self): \(error)")
        }
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
        let json = try reader.take(Int(length))
        // Sound: decoded from bytes by a decoder of its own, the value shares no state with
        // this reader or anything else, so it may be sent on to a `sending` parameter.
        nonisolated(unsafe) let value = try RemotePayload.decodeOne(Value.self, from: json, with: JSONDecoder(), what: "argument #\(index)")
        return value
    }

    func finish() throws {
        guard reader.isAtEnd else { throw RemoteError(.malformedMessage, "more arguments than the method takes (\(index))") }
    }
}
