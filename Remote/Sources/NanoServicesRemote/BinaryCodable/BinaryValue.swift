/// A `Codable` value as a tree, the middle step of ``BinaryValueEncoder`` and
/// ``BinaryValueDecoder``: what a value's `encode(to:)` wrote, before it becomes bytes (or
/// after bytes were read, before `init(from:)` reads it).
///
/// Wire form: a tag byte, then
/// * `nil`, `false`, `true`: nothing;
/// * a signed integer: its zigzag LEB128 varint; an unsigned one: its LEB128 varint;
/// * `Double`, `Float`: the bit pattern, little-endian (8 or 4 bytes);
/// * a string: a varint byte count, then UTF-8;
/// * an unkeyed container: a varint count, then the values;
/// * a keyed container: a varint count, then each key (a string, without tag) and its value.
///
/// Reading is strict and bounded: an unknown tag, a short or overlong varint, a count larger
/// than the bytes left could hold, invalid UTF-8, bytes after the value, or nesting deeper
/// than ``maximumDepth`` throw ``BinaryValue/Malformed`` before anything is decoded.
/// Pure values; any thread.
enum BinaryValue {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case float(Float)
    case string(String)
    case array(BinaryArrayStorage)
    case keyed(BinaryKeyedStorage)
    /// A `superEncoder()`'s value, known once the caller has finished with that encoder.
    case deferred(BinaryValueEncoder.Encoder)

    /// Containers nested deeper than this are refused when reading (a stack guard).
    static let maximumDepth = 256

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    enum Tag: UInt8 {
        case null = 0, `false`, `true`, int, uint, double, float, string, array, keyed
    }
}

/// The values of an unkeyed container, in order. A class so that a nested container can
/// still append after its parent stored it.
final class BinaryArrayStorage {
    var items: [BinaryValue] = []
    init(_ items: [BinaryValue] = []) { self.items = items }
}

/// The entries of a keyed container, in the order encoded.
final class BinaryKeyedStorage {
    var entries: [(key: String, value: BinaryValue)] = []
    /// Built on the first lookup of a large container.
    private var index: [String: Int]?

    init(_ entries: [(key: String, value: BinaryValue)] = []) { self.entries = entries }

    /// The value stored under `key` (the last one, if encoded twice).
    func value(forKey key: String) -> BinaryValue? {
        if entries.count <= 16 {
            return entries.last { $0.key == key }?.value
        }
        if index == nil {
            var built: [String: Int] = [:]
            for (position, entry) in entries.enumerated() { built[entry.key] = position }
            index = built
        }
        return index![key].map { entries[$0].value }
    }
}

// MARK: Writing

extension BinaryValue {
    /// Appends the wire form of this value.
    func write(to bytes: inout [UInt8]) {
        switch self {
        case .null: bytes.append(Tag.null.rawValue)
        case .bool(let value): bytes.append(value ? Tag.true.rawValue : Tag.false.rawValue)
        case .int(let value):
            bytes.append(Tag.int.rawValue)
            Self.writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)), to: &bytes)
        case .uint(let value):
            bytes.append(Tag.uint.rawValue)
            Self.writeVarint(value, to: &bytes)
        case .double(let value):
            bytes.append(Tag.double.rawValue)
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        case .float(let value):
            bytes.append(Tag.float.rawValue)
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        case .string(let value):
            bytes.append(Tag.string.rawValue)
            Self.writeString(value, to: &bytes)
        case .array(let storage):
            bytes.append(Tag.array.rawValue)
            Self.writeVarint(UInt64(storage.items.count), to: &bytes)
            for item in storage.items { item.write(to: &bytes) }
        case .keyed(let storage):
            bytes.append(Tag.keyed.rawValue)
            Self.writeVarint(UInt64(storage.entries.count), to: &bytes)
            for entry in storage.entries {
                Self.writeString(entry.key, to: &bytes)
                entry.value.write(to: &bytes)
            }
        case .deferred(let encoder):
            encoder.value.write(to: &bytes)
        }
    }

    private static func writeVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    private static func writeString(_ value: String, to bytes: inout [UInt8]) {
        var text = value
        text.withUTF8 { utf8 in
            writeVarint(UInt64(utf8.count), to: &bytes)
            bytes.append(contentsOf: utf8)
        }
    }
}

// MARK: Reading

extension BinaryValue {
    /// Reads one whole value from `bytes`; trailing bytes are malformed.
    static func read(from bytes: ArraySlice<UInt8>) throws(Malformed) -> BinaryValue {
        var reader = Reader(bytes: bytes)
        let value = try reader.value(depth: 0)
        guard reader.isAtEnd else { throw Malformed(description: "\(reader.remaining) bytes after the value") }
        return value
    }

    private struct Reader {
        let bytes: ArraySlice<UInt8>
        var offset: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            offset = bytes.startIndex
        }

        var isAtEnd: Bool { offset == bytes.endIndex }
        var remaining: Int { bytes.endIndex - offset }

        mutating func byte() throws(Malformed) -> UInt8 {
            guard offset < bytes.endIndex else { throw Malformed(description: "the value ends early") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func varint() throws(Malformed) -> UInt64 {
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 70, by: 7) {
                let next = try byte()
                guard shift < 63 || next <= 1 else { throw Malformed(description: "a number is longer than 64 bits") }
                value |= UInt64(next & 0x7f) << UInt64(shift)
                if next < 0x80 { return value }
            }
            throw Malformed(description: "a number is longer than 64 bits")
        }

        /// A count of items each at least `minimumBytes` long, checked against the bytes left.
        mutating func count(ofItemsAtLeast minimumBytes: Int) throws(Malformed) -> Int {
            let count = try varint()
            guard count <= UInt64(remaining / minimumBytes) else {
                throw Malformed(description: "a count of \(count) does not fit in the \(remaining) bytes left")
            }
            return Int(count)
        }

        mutating func fixed(_ size: Int) throws(Malformed) -> UInt64 {
            guard remaining >= size else { throw Malformed(description: "the value ends early") }
            var value: UInt64 = 0
            for index in 0..<size { value |= UInt64(bytes[offset + index]) << UInt64(index * 8) }
            offset += size
            return value
        }

        mutating func string() throws(Malformed) -> String {
            let length = try count(ofItemsAtLeast: 1)
            let utf8 = bytes[offset..<offset + length]
            offset += length
            guard let text = String(validating: utf8, as: UTF8.self) else { throw Malformed(description: "a string is not valid UTF-8") }
            return text
        }

        mutating func value(depth: Int) throws(Malformed) -> BinaryValue {
            let tagByte = try byte()
            guard let tag = Tag(rawValue: tagByte) else { throw Malformed(description: "unknown value tag \(tagByte)") }
            switch tag {
            case .null: return .null
            case .false: return .bool(false)
            case .true: return .bool(true)
            case .int:
                let zigzag = try varint()
                return .int(Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1))
            case .uint: return .uint(try varint())
            case .double: return .double(Double(bitPattern: try fixed(8)))
            case .float: return .float(Float(bitPattern: UInt32(try fixed(4))))
            case .string: return .string(try string())
            case .array, .keyed:
                guard depth < BinaryValue.maximumDepth else {
                    throw Malformed(description: "containers nested deeper than \(BinaryValue.maximumDepth)")
                }
                if tag == .array {
                    let count = try count(ofItemsAtLeast: 1)
                    var items: [BinaryValue] = []
                    items.reserveCapacity(count)
                    for _ in 0..<count { items.append(try value(depth: depth + 1)) }
                    return .array(BinaryArrayStorage(items))
                }
                let count = try count(ofItemsAtLeast: 2)  // a key's length and a value's tag
                var entries: [(key: String, value: BinaryValue)] = []
                entries.reserveCapacity(count)
                for _ in 0..<count {
                    let key = try string()
                    entries.append((key, try value(depth: depth + 1)))
                }
                return .keyed(BinaryKeyedStorage(entries))
            }
        }
    }
}
