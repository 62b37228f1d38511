import GRPCCore
import Logging
import Synchronization

/// The ordered stream of casts from one ``RemoteClient`` to one service: a queue and a task
/// that writes the queue's envelopes, in order, on a `nanoservices.Host/Casts` stream.
///
/// ``send(_:)`` never blocks (the queue is unbounded, like a local mailbox by default). When
/// the stream breaks, the casts taken for it are counted as lost (they may or may not have
/// been handled: at most once) and a new stream carries the rest, so order is kept among the
/// casts that arrive. ``finish()`` ends the stream after the queued casts.
///
/// Calls travel as unary RPCs, beside the stream. So that a call made after casts sees their
/// effect, as locally, the client first awaits a ``barrier()``: a marker written after the
/// casts, which the host answers once it has handed every cast before it to the service.
final class CastStream: Sendable {
    private let queue: CastQueue
    private let task: Task<Void, Never>
    private let state: LockedBarrierState
    private let service: String

    init<Transport: ClientTransport>(
        client: GRPCClient<Transport>, service: String, logger: Logger, lost: @escaping @Sendable (Int) -> Void
    ) {
        let state = LockedBarrierState()
        let queue = CastQueue()
        self.queue = queue
        self.service = service
        self.state = state
        task = Task {
            var isFinished = false
            while !isFinished {
                let attempt = StreamAttempt()
                do {
                    try await client.bidirectionalStreaming(
                        request: StreamingClientRequest<[UInt8]> { writer in
                            while let envelope = await queue.next() {
                                attempt.take(envelope)
                                try await writer.write(envelope.bytes)
                            }
                            // `nil`: the queue finished, or this stream was cancelled (it broke).
                            try Task.checkCancellation()
                            attempt.finished.store(true, ordering: .relaxed)
                        },
                        descriptor: HostMethods.casts,
                        serializer: RawBytesSerializer(),
                        deserializer: RawBytesDeserializer(),
                        options: .defaults
                    ) { response in
                        for try await answer in response.messages {
                            var reader = ByteReader(answer)
                            let barrier = try reader.uint64()
                            let rejected = try reader.uint64()
                            if rejected > 0 {
                                logger.warning("the host rejected remote casts (see its log)", metadata: ["service": "\(service)", "rejected": "\(rejected)"])
                                lost(Int(rejected))
                            }
                            attempt.acknowledge(barrier)
                            state.value.withLock { $0.reached(barrier) }.forEach { $0.resume() }
                        }
                    }
                    isFinished = attempt.finished.load(ordering: .relaxed)
                } catch {
                    let count = attempt.unacknowledged
                    logger.warning(
                        "a remote cast stream broke; casts sent since the host last confirmed may be lost",
                        metadata: ["service": "\(service)", "casts": "\(count)", "error": "\(error)"]
                    )
                    lost(count)
                    isFinished = attempt.finished.load(ordering: .relaxed) || Task.isCancelled
                    if !isFinished { try? await Task.sleep(for: .milliseconds(100)) }
                }
                // Barriers written to a broken stream will never be answered: release them
                // (their casts are lost and counted).
                state.value.withLock { $0.releaseAll() }.forEach { $0.resume() }
            }
        }
    }

    /// Queues one cast envelope. Any thread; never blocks.
    func send(_ envelope: [UInt8]) {
        state.value.withLock { $0.castsSent += 1 }
        queue.push(QueuedEnvelope(bytes: envelope, barrier: nil))
    }

    /// Returns once the host has handed every cast sent so far to the service (at once when
    /// there is none since the last barrier). Suspends for one round trip otherwise.
    func barrier() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let id: UInt64? = state.value.withLock { $0.wait(waiter) }
            if let id {
                queue.push(
                    QueuedEnvelope(bytes: RemoteEnvelope(service: service, method: "", signature: id, payload: []).serialized(), barrier: id)
                )
            }
        }
    }

    /// Ends the stream once the queued casts are written.
    func finish() {
        queue.finish()
    }

    /// Suspends until the stream has ended.
    func drained() async {
        await task.value
    }
}

/// An envelope in the queue: a cast, or a barrier with its id.
struct QueuedEnvelope: Sendable {
    let bytes: [UInt8]
    let barrier: UInt64?
}

/// What one stream did: casts taken from the queue, how many of them the host confirmed
/// (through barrier answers), and whether the queue was finished (then the stream is not
/// reopened). Written by the stream's writer and response handler, read after it ended.
private final class StreamAttempt: Sendable {
    private struct Counts {
        var taken = 0
        var acknowledged = 0
        var takenAtBarrier: [UInt64: Int] = [:]
    }

    private let counts = Mutex(Counts())
    let finished = Atomic<Bool>(false)

    func take(_ envelope: QueuedEnvelope) {
        counts.withLock { counts in
            if let id = envelope.barrier { counts.takenAtBarrier[id] = counts.taken } else { counts.taken += 1 }
        }
    }

    func acknowledge(_ barrier: UInt64) {
        counts.withLock { counts in
            if let taken = counts.takenAtBarrier.removeValue(forKey: barrier) { counts.acknowledged = max(counts.acknowledged, taken) }
        }
    }

    /// Casts written to this stream that the host has not confirmed.
    var unacknowledged: Int { counts.withLock { $0.taken - $0.acknowledged } }
}

/// ``BarrierState`` under a lock, in a class so that the stream's task can share it.
private final class LockedBarrierState: Sendable {
    let value = Mutex(BarrierState())
}

/// Which casts a barrier covers, and who waits for which barrier. Guarded by `CastStream.state`.
private struct BarrierState: ~Copyable {
    var castsSent: UInt64 = 0
    /// The casts sent before the last barrier the host answered.
    private var castsCovered: UInt64 = 0
    private var nextBarrier: UInt64 = 1
    /// Barriers written and not answered yet: id, casts it covers, waiters.
    private var pending: [(id: UInt64, covers: UInt64, waiters: [CheckedContinuation<Void, Never>])] = []

    /// Registers `waiter`; returns the id of a barrier to write, or `nil` when none is needed
    /// (the waiter was resumed, or joined a barrier already written that covers every cast).
    mutating func wait(_ waiter: CheckedContinuation<Void, Never>) -> UInt64? {
        if castsSent == castsCovered {
            waiter.resume()
            return nil
        }
        if let last = pending.indices.last, pending[last].covers == castsSent {
            pending[last].waiters.append(waiter)
            return nil
        }
        let id = nextBarrier
        nextBarrier += 1
        pending.append((id, castsSent, [waiter]))
        return id
    }

    /// The host answered barrier `id`: returns the waiters to resume (outside the lock).
    mutating func reached(_ id: UInt64) -> [CheckedContinuation<Void, Never>] {
        var ready: [CheckedContinuation<Void, Never>] = []
        while let first = pending.first, first.id <= id {
            castsCovered = max(castsCovered, first.covers)
            ready += first.waiters
            pending.removeFirst()
        }
        return ready
    }

    /// The stream broke: every waiter goes on (the casts are counted as lost).
    mutating func releaseAll() -> [CheckedContinuation<Void, Never>] {
        castsCovered = castsSent
        defer { pending.removeAll() }
        return pending.flatMap(\.waiters)
    }
}
