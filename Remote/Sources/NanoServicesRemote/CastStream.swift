import GRPCCore
import Logging
import Synchronization

/// The ordered stream of casts from one ``RemoteClient`` to one service: a queue and a task
/// that writes the queue's envelopes, in order, on a `nanoservices.Host/Casts` stream — all
/// those queued at once in one message (``CastBatch``), so that a burst of casts is not one
/// transport round of work per cast.
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
            while true {
                let attempt = StreamAttempt()
                var failure: (any Error)?
                do {
                    try await client.bidirectionalStreaming(
                        request: StreamingClientRequest<[UInt8]> { writer in
                            // Everything queued goes in one message (see CastBatch).
                            while let batch = await queue.nextBatch(maxBytes: CastBatch.maxBytes) {
                                batch.forEach(attempt.take)
                                try await writer.write(batch.count == 1 ? batch[0].bytes : CastBatch.frame(batch.map(\.bytes)))
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
                            state.value.withLock { $0.reached(barrier) }.forEach { $0.resume(returning: .confirmed) }
                        }
                    }
                } catch {
                    failure = error
                }
                if failure == nil && attempt.finished.load(ordering: .relaxed) { break }
                // The stream broke (or the host ended it). Decided now, not after the pause: a
                // barrier queued during the pause goes to the next stream.
                let count = attempt.unacknowledged
                let (released, unreachable) = state.value.withLock { $0.streamBroke(lastTaken: attempt.lastBarrierTaken) }
                released.forEach { $0.resume(returning: .confirmed) }
                unreachable.forEach { $0.resume(returning: .unreachable) }
                // While the host is down a stream fails every 100 ms with nothing lost: only a
                // loss is worth a warning.
                logger.log(
                    level: count > 0 ? .warning : .debug,
                    "a remote cast stream broke; casts sent since the host last confirmed may be lost",
                    metadata: ["service": "\(service)", "casts": "\(count)", "error": "\(failure.map { "\($0)" } ?? "the host ended it")"]
                )
                lost(count)
                if queue.isFinished || Task.isCancelled {
                    // Shutting down: no new stream; what is still queued is lost.
                    let abandoned = queue.abandon()
                    if abandoned > 0 {
                        logger.warning("remote casts still queued at shutdown were dropped", metadata: ["service": "\(service)", "casts": "\(abandoned)"])
                        lost(abandoned)
                    }
                    break
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
            // No stream follows: nobody would answer a barrier.
            state.value.withLock { $0.close() }.forEach { $0.resume(returning: .confirmed) }
        }
    }

    /// Queues one cast envelope. Any thread; never blocks.
    func send(_ envelope: [UInt8]) {
        state.value.withLock { $0.castSent() }
        queue.push(QueuedEnvelope(bytes: envelope, barrier: nil))
    }

    /// Returns ``BarrierOutcome/confirmed`` once the host has handed every cast sent so far to
    /// the service, or once the stream they were written to broke (they are counted as lost);
    /// at once when there is none since the last barrier. Suspends for one round trip
    /// otherwise; ``BarrierOutcome/unreachable`` when a stream broke before the casts were
    /// written (they stay queued for the next stream). Ends early with
    /// ``BarrierOutcome/timedOut`` after `timeout`, and with ``BarrierOutcome/cancelled``
    /// when the calling task is cancelled. Cost when nothing is pending: one lock round trip;
    /// otherwise a timer task when `timeout` is set.
    func barrier(timeout: Duration?) async -> BarrierOutcome {
        if state.value.withLock({ $0.isConfirmed }) { return .confirmed }
        if Task.isCancelled { return .cancelled }
        let ticket = state.value.withLock { $0.ticket() }
        let timer = timeout.map { limit in
            Task { [state] in
                guard (try? await Task.sleep(for: limit)) != nil else { return }  // cancelled: answered first
                state.value.withLock { $0.withdraw(ticket) }?.resume(returning: .timedOut)
            }
        }
        defer { timer?.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<BarrierOutcome, Never>) in
                switch state.value.withLock({ $0.wait(waiter, ticket: ticket) }) {
                case .proceed: waiter.resume(returning: .confirmed)
                case .withdrawn: waiter.resume(returning: Task.isCancelled ? .cancelled : .timedOut)
                case .joined: break
                case .write(let id):
                    queue.push(
                        QueuedEnvelope(bytes: RemoteEnvelope(service: service, method: "", signature: id, payload: []).serialized(), barrier: id)
                    )
                }
            }
        } onCancel: {
            state.value.withLock { $0.withdraw(ticket) }?.resume(returning: .cancelled)
        }
    }

    /// Ends the stream once the queued casts are written.
    func finish() {
        queue.finish()
    }

    /// Ends the stream now: casts still queued are dropped and counted as lost.
    func cancel() {
        queue.finish()
        task.cancel()
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
        var lastBarrier: UInt64?
    }

    private let counts = Mutex(Counts())
    let finished = Atomic<Bool>(false)

    func take(_ envelope: QueuedEnvelope) {
        counts.withLock { counts in
            if let id = envelope.barrier {
                counts.takenAtBarrier[id] = counts.taken
                counts.lastBarrier = id
            } else {
                counts.taken += 1
            }
        }
    }

    func acknowledge(_ barrier: UInt64) {
        counts.withLock { counts in
            if let taken = counts.takenAtBarrier.removeValue(forKey: barrier) { counts.acknowledged = max(counts.acknowledged, taken) }
        }
    }

    /// The last barrier the writer took from the queue (`nil`: none).
    var lastBarrierTaken: UInt64? { counts.withLock { $0.lastBarrier } }

    /// Casts written to this stream that the host has not confirmed.
    var unacknowledged: Int { counts.withLock { $0.taken - $0.acknowledged } }
}

/// ``BarrierState`` under a lock, in a class so that the stream's task can share it.
private final class LockedBarrierState: Sendable {
    let value = Mutex(BarrierState<CheckedContinuation<BarrierOutcome, Never>>())
}
