import NanoServices

/// The NanoServices contender: one service, its state confined to its own thread.
@NanoService
final class NanoCounter {
    private var total = 0

    init() {}

    /// Cast: enqueue and return.
    public func add(_ amount: Int) { total &+= amount }

    /// Call with no result: returns once every earlier message has been handled (drain).
    @Call public func flush() {}

    /// Call: an `Int` round trip.
    public func echo(_ value: Int) -> Int {
        total &+= 1
        return value &+ 1
    }

    /// Call that moves a buffer in and back out, writing into it in place.
    public func stamp(_ buffer: consuming sending [UInt8]) -> sending [UInt8] {
        buffer[0] &+= 1
        return buffer
    }

    /// The running total (to keep the work observable).
    public func current() -> Int { total }
}

/// A stage of the message pipeline: counts what it receives and casts it on to the next stage.
@NanoService
final class NanoPipelineStage {
    private let next: NanoPipelineStage.Service?
    private var received = 0

    init(next: NanoPipelineStage.Service?) { self.next = next }

    public func push(_ value: Int) {
        received &+= 1
        next?.push(value &+ 1)
    }

    @Call public func flush() {}

    public func count() -> Int { received }
}

/// The smallest service, for spawn/stop cost.
@NanoService
final class NanoIdle {
    init() {}

    public func ping(_ value: Int) -> Int { value &+ 1 }
}
