import Synchronization
import NanoServices

/// A service whose method is `async` and awaits once: the work a real method would do when it
/// awaits I/O, here `Task.yield()`, so the suspension and resumption on the service's thread
/// are part of the measurement.
@NanoService
final class NanoAsyncCounter {
    private var total = 0

    init() {}

    public func echoAfterYield(_ value: Int) async -> Int {
        await Task.yield()
        total &+= 1
        return value &+ 1
    }
}

/// The same method on a plain actor (default executor).
actor AsyncCounterActor {
    private var total = 0

    func echoAfterYield(_ value: Int) async -> Int {
        await Task.yield()
        total &+= 1
        return value &+ 1
    }
}

/// A service that calls another service: its calls go through deadlock detection (the wait
/// graph), which a plain thread's calls skip.
@NanoService
final class NanoForwarder {
    private let target: NanoCounter.Service

    init(target: NanoCounter.Service) { self.target = target }

    /// Makes `count` blocking calls to the target from this service's thread; returns the last answer.
    public func forward(_ count: Int) throws -> Int {
        var value = 0
        for _ in 0..<count { value = try target.echo(value) }
        return value
    }
}

/// The same method on a plain class, for the reference rows of `async-method`: one task at a
/// time touches it (the floor row's tasks run one after another; the caller-task row takes
/// `running` around it).
final class AsyncCounterBody: @unchecked Sendable {
    private var total = 0
    private let running = Atomic<Bool>(false)

    /// The body in the calling task, one caller at a time: the flag is what a direct call's
    /// claim of an idle service costs (a compare-exchange and a store).
    func echoInCallerTask(_ value: Int) async -> Int {
        guard running.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            preconditionFailure("one caller at a time")
        }
        let answer = await echoAfterYield(value)
        running.store(false, ordering: .releasing)
        return answer
    }

    func echoAfterYield(_ value: Int) async -> Int {
        await Task.yield()
        total &+= 1
        return value &+ 1
    }
}
