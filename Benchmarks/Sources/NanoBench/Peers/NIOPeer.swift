import NIOCore
import NIOPosix

/// The SwiftNIO contender: state confined to the one event loop of a one-thread group.
///
/// Thread safety: `total` is only touched in tasks running on `loop`.
final class NIOCounter: @unchecked Sendable {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let loop: any EventLoop
    private var total = 0 // confined to `loop`

    init() { loop = group.next() }

    /// Cast: `execute`.
    func add(_ amount: Int) { loop.execute { self.total &+= amount } }

    /// Drain: `submit` a no-op and wait for it.
    func flush() throws { try loop.submit {}.wait() }

    /// Call from a thread: `submit(...).wait()`.
    func echoWait(_ value: Int) throws -> Int {
        try loop.submit {
            self.total &+= 1
            return value &+ 1
        }.wait()
    }

    /// Call from a task: `submit(...).get()`.
    func echoGet(_ value: Int) async throws -> Int {
        try await loop.submit {
            self.total &+= 1
            return value &+ 1
        }.get()
    }

    func shutdown() throws { try group.syncShutdownGracefully() }
}

/// A pipeline stage on its own one-thread event loop that forwards with `execute`.
final class NIOPipelineStage: @unchecked Sendable {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let loop: any EventLoop
    private let next: NIOPipelineStage?
    private var received = 0 // confined to `loop`

    init(next: NIOPipelineStage?) {
        loop = group.next()
        self.next = next
    }

    func push(_ value: Int) {
        loop.execute {
            self.received &+= 1
            self.next?.push(value &+ 1)
        }
    }

    func flush() throws { try loop.submit {}.wait() }

    func shutdown() throws { try group.syncShutdownGracefully() }
}
