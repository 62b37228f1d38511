import Synchronization

/// The unbounded queue between ``RemoteClient/_cast(_:)`` and the stream that writes casts.
///
/// Unlike `AsyncStream`, a reader that is cancelled (its stream broke) does not end the queue:
/// the next stream reads on from where the broken one stopped. One reader at a time.
final class CastQueue: Sendable {
    private struct State {
        var items: [QueuedEnvelope] = []
        var head = 0
        var isFinished = false
        var reader: CheckedContinuation<QueuedEnvelope?, Never>?

        /// Takes the envelope at the head; the storage is reset once everything was taken.
        mutating func popFirst() -> QueuedEnvelope {
            defer {
                head += 1
                if head == items.count {
                    items.removeAll(keepingCapacity: true)
                    head = 0
                }
            }
            return items[head]
        }
    }

    private let state = Mutex(State())

    /// Appends `envelope`, or hands it to the waiting reader. Any thread; never blocks.
    func push(_ envelope: QueuedEnvelope) {
        let reader = state.withLock { state -> CheckedContinuation<QueuedEnvelope?, Never>? in
            guard !state.isFinished else { return nil }
            if let reader = state.reader {
                state.reader = nil
                return reader
            }
            state.items.append(envelope)
            return nil
        }
        reader?.resume(returning: envelope)
    }

    /// No more envelopes: the reader gets `nil` once the queue is empty.
    func finish() {
        let reader = state.withLock { state in
            state.isFinished = true
            defer { state.reader = nil }
            return state.items.count == state.head ? state.reader : nil
        }
        reader?.resume(returning: nil)
    }

    /// ``finish()`` was called.
    var isFinished: Bool { state.withLock { $0.isFinished } }

    /// Empties the queue; returns how many casts (not barriers) it held. For a finished queue
    /// whose casts can no longer be written.
    func abandon() -> Int {
        state.withLock { state in
            defer {
                state.items.removeAll()
                state.head = 0
            }
            return state.items[state.head...].count { $0.barrier == nil }
        }
    }

    /// The next envelope and every one queued behind it, up to `maxBytes` in all (the first
    /// is taken whatever its size); `nil` as for ``next()``. Suspends while the queue is
    /// empty. Cost beyond ``next()``: one more lock round trip.
    func nextBatch(maxBytes: Int) async -> [QueuedEnvelope]? {
        guard let first = await next() else { return nil }
        var batch = [first]
        var bytes = first.bytes.count
        state.withLock { state in
            while state.head < state.items.count, bytes + state.items[state.head].bytes.count <= maxBytes {
                bytes += state.items[state.head].bytes.count
                batch.append(state.popFirst())
            }
        }
        return batch
    }

    /// The next envelope; `nil` when the queue is finished and empty, or when the reading task
    /// is cancelled (then the queue stays open for the next reader).
    func next() async -> QueuedEnvelope? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (reader: CheckedContinuation<QueuedEnvelope?, Never>) in
                let answer: QueuedEnvelope?? = state.withLock { state in
                    if state.head < state.items.count { return .some(state.popFirst()) }
                    if state.isFinished || Task.isCancelled { return .some(nil) }
                    state.reader = reader
                    return nil
                }
                if let answer { reader.resume(returning: answer) }
            }
        } onCancel: {
            let reader = state.withLock { state in
                defer { state.reader = nil }
                return state.reader
            }
            reader?.resume(returning: nil)
        }
    }
}
