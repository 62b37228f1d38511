import Dispatch

/// The DispatchQueue contender: state confined to a serial queue.
///
/// Thread safety: `total` is only touched inside blocks on `queue`.
final class DispatchCounter: @unchecked Sendable {
    let queue = DispatchQueue(label: "bench.dispatch-counter")
    private var total = 0 // confined to `queue`

    /// Cast: `async`.
    func add(_ amount: Int) { queue.async { self.total &+= amount } }

    /// Drain: a `sync` no-op returns once every earlier block has run.
    func flush() { queue.sync {} }

    /// Call with `sync`: Dispatch runs the block on the *caller's* thread (no thread hop).
    func echoSync(_ value: Int) -> Int {
        queue.sync {
            total &+= 1
            return value &+ 1
        }
    }

    /// Call with `async` plus a semaphore: the block runs on a queue thread, the caller waits.
    func echoAsyncSemaphore(_ value: Int) -> Int {
        let done = DispatchSemaphore(value: 0)
        let answer = Slot<Int>()
        queue.async {
            self.total &+= 1
            answer.value = value &+ 1
            done.signal()
        }
        done.wait()
        return answer.value!
    }

    /// Call from async code: `async` plus a continuation.
    func echo(_ value: Int) async -> Int {
        await withUnsafeContinuation { continuation in
            queue.async {
                self.total &+= 1
                continuation.resume(returning: value &+ 1)
            }
        }
    }

    /// Moves a buffer in and back the idiomatic way: captured by the block, returned by `sync`
    /// from a queue thread via `async`+semaphore. The capture keeps a second reference, so the
    /// write copies (copy-on-write).
    func stampAsyncSemaphore(_ buffer: [UInt8]) -> [UInt8] {
        let done = DispatchSemaphore(value: 0)
        let answer = Slot<[UInt8]>()
        queue.async {
            var buffer = buffer
            buffer[0] &+= 1
            answer.value = buffer
            done.signal()
        }
        done.wait()
        return answer.value.take()!
    }
}

/// A value handed from one thread to another; a semaphore or queue orders the write before
/// the read.
final class Slot<Value>: @unchecked Sendable {
    var value: Value?
}

/// A pipeline stage on a serial queue that forwards with `async`.
final class DispatchPipelineStage: @unchecked Sendable {
    let queue: DispatchQueue
    private let next: DispatchPipelineStage?
    private var received = 0 // confined to `queue`

    init(label: String, next: DispatchPipelineStage?) {
        queue = DispatchQueue(label: label)
        self.next = next
    }

    func push(_ value: Int) {
        queue.async {
            self.received &+= 1
            self.next?.push(value &+ 1)
        }
    }

    func flush() { queue.sync {} }
}
