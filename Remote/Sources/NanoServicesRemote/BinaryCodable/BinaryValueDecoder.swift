/// Decodes a `Decodable` value from the binary form ``BinaryValueEncoder`` writes. The bytes
/// are read whole first (``BinaryValue/read(from:)``: strict and bounded), then handed to the
/// type's `init(from:)`. A value of the wrong kind, an integer out of its type's range, a
/// missing key throw the usual `DecodingError`. Runs on the calling thread.
enum BinaryValueDecoder {
    static func decode<Value: Decodable>(_ type: Value.Type, from bytes: ArraySlice<UInt8>) throws -> Value {
        try decodeValue(Value.self, from: try BinaryValue.read(from: bytes), codingPath: [])
    }

    static func decodeValue<Value: Decodable>(_ type: Value.Type, from value: BinaryValue, codingPath: [any CodingKey]) throws -> Value {
        let decoder = Decoder(value: value, codingPath: codingPath)
        if Value.self == String.self { return try decoder.string() as! Value }
        if Value.self == Int.self { return try decoder.integer(Int.self) as! Value }
        if Value.self == Double.self { return try decoder.floatingPoint(Double.self) as! Value }
        if Value.self == Bool.self { return try decoder.bool() as! Value }
        return try Value(from: decoder)
    }

    /// The `Decoder` handed to `init(from:)`: one value of the tree, and the primitive reads
    /// every container shares.
    struct Decoder: Swift.Decoder {
        let value: BinaryValue
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            guard case .keyed(let storage) = value else { throw mismatch("a keyed container") }
            return KeyedDecodingContainer(KeyedContainer(storage: storage, codingPath: codingPath))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard case .array(let storage) = value else { throw mismatch("an unkeyed container") }
            return UnkeyedContainer(items: storage.items, codingPath: codingPath)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueContainer(decoder: self) }

        var isNil: Bool { if case .null = value { true } else { false } }

        func bool() throws -> Bool {
            guard case .bool(let flag) = value else { throw mismatch("Bool") }
            return flag
        }

        func string() throws -> String {
            guard case .string(let text) = value else { throw mismatch("String") }
            return text
        }

        func integer<Integer: FixedWidthInteger>(_ type: Integer.Type) throws -> Integer {
            let exact: Integer?
            switch value {
            case .int(let number): exact = Integer(exactly: number)
            case .uint(let number): exact = Integer(exactly: number)
            default: throw mismatch("\(Integer.self)")
            }
            guard let exact else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "the number does not fit in \(Integer.self)"))
            }
            return exact
        }

        func floatingPoint<Floating: BinaryFloatingPoint>(_ type: Floating.Type) throws -> Floating {
            switch value {
            case .double(let number): return Floating(number)
            case .float(let number): return Floating(number)
            default: throw mismatch("\(Floating.self)")
            }
        }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try BinaryValueDecoder.decodeValue(T.self, from: value, codingPath: codingPath)
        }

        private func mismatch(_ expected: String) -> DecodingError {
            DecodingError.typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(value.kind)"))
        }
    }

    private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let storage: BinaryKeyedStorage
        let codingPath: [any CodingKey]

        var allKeys: [Key] { storage.entries.compactMap { Key(stringValue: $0.key) } }
        func contains(_ key: Key) -> Bool { storage.value(forKey: key.stringValue) != nil }

        private func decoder(forKey key: Key) throws -> Decoder {
            guard let value = storage.value(forKey: key.stringValue) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for key '\(key.stringValue)'"))
            }
            return Decoder(value: value, codingPath: codingPath + [key])
        }

        func decodeNil(forKey key: Key) throws -> Bool { try decoder(forKey: key).isNil }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder(forKey: key).bool() }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder(forKey: key).string() }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder(forKey: key).floatingPoint(Double.self) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder(forKey: key).floatingPoint(Float.self) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder(forKey: key).integer(Int.self) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder(forKey: key).integer(Int8.self) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder(forKey: key).integer(Int16.self) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder(forKey: key).integer(Int32.self) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder(forKey: key).integer(Int64.self) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder(forKey: key).integer(UInt.self) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder(forKey: key).integer(UInt8.self) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder(forKey: key).integer(UInt16.self) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder(forKey: key).integer(UInt32.self) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder(forKey: key).integer(UInt64.self) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder(forKey: key).decode(T.self) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try decoder(forKey: key).container(keyedBy: NestedKey.self)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try decoder(forKey: key).unkeyedContainer()
        }

        func superDecoder() throws -> any Swift.Decoder { try superDecoder(named: "super") }
        func superDecoder(forKey key: Key) throws -> any Swift.Decoder { try superDecoder(named: key.stringValue) }

        private func superDecoder(named name: String) throws -> any Swift.Decoder {
            // A missing super value decodes as nil, as JSONDecoder's does.
            Decoder(value: storage.value(forKey: name) ?? .null, codingPath: codingPath + [BinaryCodingKey(name)])
        }
    }

    private struct UnkeyedContainer: UnkeyedDecodingContainer {
        let items: [BinaryValue]
        let codingPath: [any CodingKey]
        private(set) var currentIndex = 0

        init(items: [BinaryValue], codingPath: [any CodingKey]) {
            self.items = items
            self.codingPath = codingPath
        }

        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        /// The decoder of the next item; advances only when `read` succeeds.
        private mutating func next<T>(_ read: (Decoder) throws -> T) throws -> T {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(T.self, .init(codingPath: codingPath + [BinaryCodingKey(index: currentIndex)],
                                                                debugDescription: "unkeyed container is at its end"))
            }
            let value = try read(Decoder(value: items[currentIndex], codingPath: codingPath + [BinaryCodingKey(index: currentIndex)]))
            currentIndex += 1
            return value
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, case .null = items[currentIndex] else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { try next { try $0.bool() } }
        mutating func decode(_ type: String.Type) throws -> String { try next { try $0.string() } }
        mutating func decode(_ type: Double.Type) throws -> Double { try next { try $0.floatingPoint(Double.self) } }
        mutating func decode(_ type: Float.Type) throws -> Float { try next { try $0.floatingPoint(Float.self) } }
        mutating func decode(_ type: Int.Type) throws -> Int { try next { try $0.integer(Int.self) } }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try next { try $0.integer(Int8.self) } }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try next { try $0.integer(Int16.self) } }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try next { try $0.integer(Int32.self) } }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try next { try $0.integer(Int64.self) } }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try next { try $0.integer(UInt.self) } }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next { try $0.integer(UInt8.self) } }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next { try $0.integer(UInt16.self) } }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next { try $0.integer(UInt32.self) } }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next { try $0.integer(UInt64.self) } }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next { try $0.decode(T.self) } }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next { try $0.container(keyedBy: NestedKey.self) }
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try next { try $0.unkeyedContainer() }
        }

        mutating func superDecoder() throws -> any Swift.Decoder { try next { $0 } }
    }

    private struct SingleValueContainer: SingleValueDecodingContainer {
        let decoder: Decoder
        var codingPath: [any CodingKey] { decoder.codingPath }

        func decodeNil() -> Bool { decoder.isNil }
        func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool() }
        func decode(_ type: String.Type) throws -> String { try decoder.string() }
        func decode(_ type: Double.Type) throws -> Double { try decoder.floatingPoint(Double.self) }
        func decode(_ type: Float.Type) throws -> Float { try decoder.floatingPoint(Float.self) }
        func decode(_ type: Int.Type) throws -> Int { try decoder.integer(Int.self) }
        func decode(_ type: Int8.Type) throws -> Int8 { try decoder.integer(Int8.self) }
        func decode(_ type: Int16.Type) throws -> Int16 { try decoder.integer(Int16.self) }
        func decode(_ type: Int32.Type) throws -> Int32 { try decoder.integer(Int32.self) }
        func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer(Int64.self) }
        func decode(_ type: UInt.Type) throws -> UInt { try decoder.integer(UInt.self) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.integer(UInt8.self) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.integer(UInt16.self) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.integer(UInt32.self) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.integer(UInt64.self) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decode(T.self) }
    }
}

extension BinaryValue {
    /// What kind of value this is, for error messages.
    var kind: String {
        switch self {
        case .null: "nil"
        case .bool: "a Bool"
        case .int, .uint: "an integer"
        case .double, .float: "a floating-point number"
        case .string: "a string"
        case .array: "an unkeyed container"
        case .keyed: "a keyed container"
        case .deferred: "a value being encoded"
        }
    }
}
