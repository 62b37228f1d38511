import GRPCCore
import Logging
import Synchronization

/// The ordered stream of casts from one ``RemoteClient`` to one service: a queue and a task
/// that writes the queue's envelopes, in order, on a `nanoservices.Host/Casts` client stream.
///
/// ``send(_:)`` never blocks (the queue is unbounded, like a local mailbox by default). When
/// the stream breaks, the casts written to it are counted as lost (they may or may not have
/// been handled: at most once) and a new stream carries the rest, so order is kept among the
/// casts that arrive. ``finish()`` ends the stream after the queued casts.
final class CastStream: Sendable {
    private let continuation: AsyncStream<[UInt8]>.Continuation
    private let task: Task<Void, Never>

    init<Transport: ClientTransport>(
        client: GRPCClient<Transport>, service: String, logger: Logger, lost: @escaping @Sendable (Int) -> Void
    ) {
        let (queue, continuation) = AsyncStream<[UInt8]>.makeStream()
        self.continuation = continuation
        task = Task {
            var isFinished = false
            while !isFinished {
                let taken = Atomic<Int>(0)
                let finished = Atomic<Bool>(false)
                do {
                    let rejected = try await client.clientStreaming(
                        request: StreamingClientRequest<[UInt8]> { writer in
                            for await envelope in queue {
                                taken.add(1, ordering: .relaxed)
                                try await writer.write(envelope)
                            }
                            finished.store(true, ordering: .relaxed)
                        },
                        descriptor: HostMethods.casts,
                        serializer: RawBytesSerializer(),
                        deserializer: RawBytesDeserializer(),
                        options: .defaults
                    ) { response in
                        var reader = ByteReader(try response.message)
                        _ = try reader.uint64()
                        return try reader.uint64()
                    }
                    if rejected > 0 {
                        logger.warning("the host rejected remote casts (see its log)", metadata: ["service": "\(service)", "rejected": "\(rejected)"])
                        lost(Int(rejected))
                    }
                    isFinished = finished.load(ordering: .relaxed)
                } catch {
                    let count = taken.load(ordering: .relaxed)
                    logger.warning(
                        "a remote cast stream broke; casts written to it may be lost",
                        metadata: ["service": "\(service)", "casts": "\(count)", "error": "\(error)"]
                    )
                    lost(count)
                    isFinished = finished.load(ordering: .relaxed) || Task.isCancelled
                    if !isFinished { try? await Task.sleep(for: .milliseconds(100)) }
                }
            }
        }
    }

    /// Queues one envelope. Any thread; never blocks.
    func send(_ envelope: [UInt8]) {
        continuation.yield(envelope)
    }

    /// Ends the stream once the queued casts are written.
    func finish() {
        continuation.finish()
    }

    /// Suspends until the stream has ended.
    func drained() async {
        await task.value
    }
}
