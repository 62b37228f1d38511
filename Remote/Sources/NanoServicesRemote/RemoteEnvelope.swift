/// One request on the wire: the service's name on the host, the method's Swift name, the
/// method's signature hash, the sender's trace context, and the encoded arguments.
///
/// Binary layout (little-endian): a version byte; the service name as a 16-bit length and
/// UTF-8 bytes; the method name likewise; the 64-bit signature; with version 2 only, the trace
/// context as a 16-bit count of fields, each a key and a value written like the names; the
/// payload (the rest). A request without a trace context is written as version 1, so a host
/// that knows only version 1 still reads it. Parsing is strict: a short, long or non-UTF-8
/// message, or an unknown version, is ``RemoteError/Code/malformedMessage``.
struct RemoteEnvelope: Sendable, Equatable {
    static let version: UInt8 = 1
    static let versionWithTraceContext: UInt8 = 2

    var service: String
    var method: String
    var signature: UInt64
    /// What the client's instrument injected (swift-distributed-tracing), in order; empty
    /// when the sender had no `ServiceContext` or no instrument is bootstrapped.
    var traceContext: [TraceField] = []
    var payload: [UInt8]

    /// The wire form. Costs one allocation of the message's size.
    func serialized() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(13 + service.utf8.count + method.utf8.count + payload.count)
        bytes.append(traceContext.isEmpty ? Self.version : Self.versionWithTraceContext)
        append(service, to: &bytes)
        append(method, to: &bytes)
        bytes.append(contentsOf: littleEndianBytes(signature))
        if !traceContext.isEmpty {
            let fields = traceContext.prefix(Int(UInt16.max))
            bytes.append(contentsOf: littleEndianBytes(UInt16(fields.count)))
            for field in fields {
                append(field.key, to: &bytes)
                append(field.value, to: &bytes)
            }
        }
        bytes.append(contentsOf: payload)
        return bytes
    }

    private func append(_ text: String, to bytes: inout [UInt8]) {
        let utf8 = Array(text.utf8.prefix(Int(UInt16.max)))
        bytes.append(contentsOf: littleEndianBytes(UInt16(utf8.count)))
        bytes.append(contentsOf: utf8)
    }

    /// Parses the wire form; throws ``RemoteError`` (`malformedMessage`) saying what is wrong.
    init(parsing bytes: [UInt8]) throws {
        var reader = ByteReader(bytes)
        let version = try reader.byte()
        guard version == Self.version || version == Self.versionWithTraceContext else {
            throw RemoteError(.malformedMessage, "unsupported envelope version \(version)")
        }
        service = try reader.string()
        method = try reader.string()
        signature = try reader.uint64()
        if version == Self.versionWithTraceContext {
            let count = Int(try reader.uint16())
            traceContext = try (0..<count).map { _ in TraceField(key: try reader.string(), value: try reader.string()) }
        }
        payload = reader.rest()
    }

    init(service: String, method: String, signature: UInt64, traceContext: [TraceField] = [], payload: [UInt8]) {
        self.service = service
        self.method = method
        self.signature = signature
        self.traceContext = traceContext
        self.payload = payload
    }
}

/// One key and value of a propagated trace context.
struct TraceField: Sendable, Equatable {
    var key: String
    var value: String
}

/// Reads little-endian fields from a byte array, throwing on a short read.
struct ByteReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, bytes.count - offset >= count else {
            throw RemoteError(.malformedMessage, "message too short: needed \(count) more bytes at offset \(offset) of \(bytes.count)")
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func byte() throws -> UInt8 { try take(1).first! }

    mutating func uint16() throws -> UInt16 {
        try take(2).reversed().reduce(0) { $0 << 8 | UInt16($1) }
    }

    mutating func uint32() throws -> UInt32 {
        try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func uint64() throws -> UInt64 {
        try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func string() throws -> String {
        let utf8 = try take(Int(uint16()))
        guard let text = String(validating: utf8, as: UTF8.self) else {
            throw RemoteError(.malformedMessage, "a name is not valid UTF-8")
        }
        return text
    }

    mutating func rest() -> [UInt8] {
        defer { offset = bytes.count }
        return Array(bytes[offset...])
    }
}

/// The bytes of `value`, least significant first.
func littleEndianBytes<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { [UInt8]($0) }
}
