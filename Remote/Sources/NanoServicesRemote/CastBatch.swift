/// Several cast-stream envelopes in one gRPC message: what a cast stream writes when more than
/// one envelope is queued, so that a burst of casts costs one stream message (one trip through
/// the transport and the host's read loop) instead of one each.
///
/// Binary layout (little-endian): the marker byte ``marker`` (3, the envelope version after
/// ``RemoteEnvelope/versionWithTraceContext``, so a host that predates batches rejects the
/// message as an unsupported envelope version instead of misreading it); a 32-bit count; then
/// each envelope as a 32-bit length and its bytes (``RemoteEnvelope/serialized()``). A single
/// queued envelope is written alone, unframed. Parsing is strict: a short or long frame is
/// ``RemoteError/Code/malformedMessage``, and nothing of it is run.
enum CastBatch {
    static let marker: UInt8 = 3

    /// At most this many bytes of envelopes go in one batch (a lone larger envelope goes
    /// alone): well under gRPC's default 4 MiB limit on a received message.
    static let maxBytes = 1 << 20

    /// Whether `message` is a batch frame rather than one envelope. Free.
    static func isBatch(_ message: [UInt8]) -> Bool {
        message.first == marker
    }

    /// The frame holding `envelopes`, in order. One allocation of the frame's size.
    static func frame(_ envelopes: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(5 + envelopes.reduce(0) { $0 + 4 + $1.count })
        bytes.append(marker)
        bytes.append(contentsOf: littleEndianBytes(UInt32(envelopes.count)))
        for envelope in envelopes {
            bytes.append(contentsOf: littleEndianBytes(UInt32(envelope.count)))
            bytes.append(contentsOf: envelope)
        }
        return bytes
    }

    /// The envelopes of a frame, in order. Throws ``RemoteError`` (`malformedMessage`), with
    /// the number of envelopes the frame claimed (0 when even that is unreadable) so that the
    /// host can count them as rejected.
    static func envelopes(of frame: [UInt8]) throws(MalformedBatch) -> [[UInt8]] {
        var reader = ByteReader(frame)
        var claimed = 0
        do {
            guard try reader.byte() == marker else { throw RemoteError(.malformedMessage, "not a batch of casts") }
            claimed = Int(try reader.uint32())
            // Each envelope takes at least its 4-byte length: a count the frame cannot hold is
            // malformed before anything is allocated for it.
            guard claimed <= (frame.count - 5) / 4 else {
                throw RemoteError(.malformedMessage, "a batch claims \(claimed) casts in \(frame.count) bytes")
            }
            var envelopes: [[UInt8]] = []
            envelopes.reserveCapacity(claimed)
            for _ in 0..<claimed {
                envelopes.append(Array(try reader.take(Int(reader.uint32()))))
            }
            guard reader.isAtEnd else { throw RemoteError(.malformedMessage, "bytes left after the last cast of a batch") }
            return envelopes
        } catch let error as RemoteError {
            throw MalformedBatch(error: error, claimed: claimed)
        } catch {
            throw MalformedBatch(error: RemoteError(.malformedMessage, "\(error)"), claimed: claimed)
        }
    }

    /// A batch frame that could not be read: why, and how many casts it said it held.
    struct MalformedBatch: Error {
        let error: RemoteError
        let claimed: Int
    }
}
