/// Encodes any `Encodable` value in the compact binary form of ``BinaryValue``: what JSON
/// would write, without text (numbers as varints or bit patterns, strings as UTF-8 with a
/// length). The form of remote arguments and results that are not ``BinaryPayloadValue``s.
///
/// A value with no special strategy: `Date`, `Data` and `URL` encode as their own `Codable`
/// conformances say (a `Double`, an array of bytes, a string). Runs on the calling thread.
enum BinaryValueEncoder {
    /// The wire form of `value`.
    static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try encodeValue(value, codingPath: []).write(to: &bytes)
        return bytes
    }

    /// The tree of `value`: a primitive directly, anything else through its `encode(to:)`.
    static func encodeValue<Value: Encodable>(_ value: Value, codingPath: [any CodingKey]) throws -> BinaryValue {
        // By the static type (a metatype comparison), not a dynamic cast of the value.
        if Value.self == String.self { return .string(value as! String) }
        if Value.self == Int.self { return .int(Int64(value as! Int)) }
        if Value.self == Double.self { return .double(value as! Double) }
        if Value.self == Bool.self { return .bool(value as! Bool) }
        let encoder = Encoder(codingPath: codingPath)
        try value.encode(to: encoder)
        return encoder.value
    }

    /// The `Encoder` handed to `encode(to:)`; holds what it was given. Also the value of a
    /// `superEncoder()`, read once the caller is done with it.
    final class Encoder: Swift.Encoder {
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        /// What was encoded; an empty keyed container if nothing was (as JSON writes `{}`).
        private var stored: BinaryValue?

        init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

        var value: BinaryValue { stored ?? .keyed(BinaryKeyedStorage()) }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if case .keyed(let storage) = stored {
                return KeyedEncodingContainer(KeyedContainer(storage: storage, codingPath: codingPath))
            }
            let storage = BinaryKeyedStorage()
            stored = .keyed(storage)
            return KeyedEncodingContainer(KeyedContainer(storage: storage, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if case .array(let storage) = stored { return UnkeyedContainer(storage: storage, codingPath: codingPath) }
            let storage = BinaryArrayStorage()
            stored = .array(storage)
            return UnkeyedContainer(storage: storage, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueContainer(encoder: self) }

        fileprivate func store(_ value: BinaryValue) { stored = value }
    }

    private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let storage: BinaryKeyedStorage
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws { storage.entries.append((key.stringValue, .null)) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { storage.entries.append((key.stringValue, .bool(value))) }
        mutating func encode(_ value: String, forKey key: Key) throws { storage.entries.append((key.stringValue, .string(value))) }
        mutating func encode(_ value: Double, forKey key: Key) throws { storage.entries.append((key.stringValue, .double(value))) }
        mutating func encode(_ value: Float, forKey key: Key) throws { storage.entries.append((key.stringValue, .float(value))) }
        mutating func encode(_ value: Int, forKey key: Key) throws { storage.entries.append((key.stringValue, .int(Int64(value)))) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { storage.entries.append((key.stringValue, .int(Int64(value)))) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { storage.entries.append((key.stringValue, .int(Int64(value)))) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { storage.entries.append((key.stringValue, .int(Int64(value)))) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { storage.entries.append((key.stringValue, .int(value))) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { storage.entries.append((key.stringValue, .uint(UInt64(value)))) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { storage.entries.append((key.stringValue, .uint(UInt64(value)))) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { storage.entries.append((key.stringValue, .uint(UInt64(value)))) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { storage.entries.append((key.stringValue, .uint(UInt64(value)))) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { storage.entries.append((key.stringValue, .uint(value))) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            storage.entries.append((key.stringValue, try BinaryValueEncoder.encodeValue(value, codingPath: codingPath + [key])))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = BinaryKeyedStorage()
            storage.entries.append((key.stringValue, .keyed(nested)))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(storage: nested, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = BinaryArrayStorage()
            storage.entries.append((key.stringValue, .array(nested)))
            return UnkeyedContainer(storage: nested, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Swift.Encoder { superEncoder(named: "super") }
        mutating func superEncoder(forKey key: Key) -> any Swift.Encoder { superEncoder(named: key.stringValue) }

        private func superEncoder(named name: String) -> any Swift.Encoder {
            let encoder = Encoder(codingPath: codingPath + [BinaryCodingKey(name)])
            storage.entries.append((name, .deferred(encoder)))
            return encoder
        }
    }

    private struct UnkeyedContainer: UnkeyedEncodingContainer {
        let storage: BinaryArrayStorage
        let codingPath: [any CodingKey]
        var count: Int { storage.items.count }

        mutating func encodeNil() throws { storage.items.append(.null) }
        mutating func encode(_ value: Bool) throws { storage.items.append(.bool(value)) }
        mutating func encode(_ value: String) throws { storage.items.append(.string(value)) }
        mutating func encode(_ value: Double) throws { storage.items.append(.double(value)) }
        mutating func encode(_ value: Float) throws { storage.items.append(.float(value)) }
        mutating func encode(_ value: Int) throws { storage.items.append(.int(Int64(value))) }
        mutating func encode(_ value: Int8) throws { storage.items.append(.int(Int64(value))) }
        mutating func encode(_ value: Int16) throws { storage.items.append(.int(Int64(value))) }
        mutating func encode(_ value: Int32) throws { storage.items.append(.int(Int64(value))) }
        mutating func encode(_ value: Int64) throws { storage.items.append(.int(value)) }
        mutating func encode(_ value: UInt) throws { storage.items.append(.uint(UInt64(value))) }
        mutating func encode(_ value: UInt8) throws { storage.items.append(.uint(UInt64(value))) }
        mutating func encode(_ value: UInt16) throws { storage.items.append(.uint(UInt64(value))) }
        mutating func encode(_ value: UInt32) throws { storage.items.append(.uint(UInt64(value))) }
        mutating func encode(_ value: UInt64) throws { storage.items.append(.uint(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            storage.items.append(try BinaryValueEncoder.encodeValue(value, codingPath: codingPath + [BinaryCodingKey(index: count)]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = BinaryKeyedStorage()
            let path = codingPath + [BinaryCodingKey(index: count)]
            storage.items.append(.keyed(nested))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(storage: nested, codingPath: path))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = BinaryArrayStorage()
            let path = codingPath + [BinaryCodingKey(index: count)]
            storage.items.append(.array(nested))
            return UnkeyedContainer(storage: nested, codingPath: path)
        }

        mutating func superEncoder() -> any Swift.Encoder {
            let encoder = Encoder(codingPath: codingPath + [BinaryCodingKey(index: count)])
            storage.items.append(.deferred(encoder))
            return encoder
        }
    }

    private struct SingleValueContainer: SingleValueEncodingContainer {
        let encoder: Encoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil() throws { encoder.store(.null) }
        mutating func encode(_ value: Bool) throws { encoder.store(.bool(value)) }
        mutating func encode(_ value: String) throws { encoder.store(.string(value)) }
        mutating func encode(_ value: Double) throws { encoder.store(.double(value)) }
        mutating func encode(_ value: Float) throws { encoder.store(.float(value)) }
        mutating func encode(_ value: Int) throws { encoder.store(.int(Int64(value))) }
        mutating func encode(_ value: Int8) throws { encoder.store(.int(Int64(value))) }
        mutating func encode(_ value: Int16) throws { encoder.store(.int(Int64(value))) }
        mutating func encode(_ value: Int32) throws { encoder.store(.int(Int64(value))) }
        mutating func encode(_ value: Int64) throws { encoder.store(.int(value)) }
        mutating func encode(_ value: UInt) throws { encoder.store(.uint(UInt64(value))) }
        mutating func encode(_ value: UInt8) throws { encoder.store(.uint(UInt64(value))) }
        mutating func encode(_ value: UInt16) throws { encoder.store(.uint(UInt64(value))) }
        mutating func encode(_ value: UInt32) throws { encoder.store(.uint(UInt64(value))) }
        mutating func encode(_ value: UInt64) throws { encoder.store(.uint(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            encoder.store(try BinaryValueEncoder.encodeValue(value, codingPath: codingPath))
        }
    }
}

/// A coding key for paths in errors: a position in an unkeyed container, or `super`.
struct BinaryCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(_ string: String) { stringValue = string; intValue = nil }
    init(index: Int) { stringValue = "Index \(index)"; intValue = index }
    init?(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) { self.init(index: intValue) }
}
