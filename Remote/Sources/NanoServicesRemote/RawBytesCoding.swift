import GRPCCore

/// Passes message bytes through unchanged: the envelope and payload are encoded by
/// ``RemoteEnvelope`` and ``RemotePayload``, which report malformed input as ``RemoteError``
/// where the host can log it and answer the client (a gRPC deserializer error could do neither).
struct RawBytesSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
}

/// See ``RawBytesSerializer``.
struct RawBytesDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

/// The one gRPC service of a host, `nanoservices.Host`: `Call` (unary, one envelope in, the
/// encoded result out) and `Casts` (client streaming, envelopes in order, a count out).
enum HostMethods {
    static let service = ServiceDescriptor(fullyQualifiedService: "nanoservices.Host")
    static let call = MethodDescriptor(service: service, method: "Call")
    static let casts = MethodDescriptor(service: service, method: "Casts")
    /// Request metadata carrying a call's time limit in nanoseconds, applied on the host too.
    static let timeoutKey = "nano-timeout-ns"
}

/// A barrier on the casts stream: an envelope with an empty method name whose signature field
/// is the barrier's id. The host answers it with 16 bytes: the id and the number of casts it
/// rejected since its last answer (id 0: a final count only).
enum CastBarrier {
    /// The id of `envelope` if it is a barrier.
    static func id(of envelope: RemoteEnvelope) -> UInt64? {
        envelope.method.isEmpty ? envelope.signature : nil
    }

    static func answer(_ id: UInt64, rejected: UInt64) -> [UInt8] {
        littleEndianBytes(id) + littleEndianBytes(rejected)
    }
}
