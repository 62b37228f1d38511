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

/// The same method on a plain class, for the floor row of `async-method`: only its task
/// (one at a time) touches it.
final class AsyncCounterBody: @unchecked Sendable {
    private var total = 0

    func echoAfterYield(_ value: Int) async -> Int {
        await Task.yield()
        total &+= 1
        return value &+ 1
    }
}
