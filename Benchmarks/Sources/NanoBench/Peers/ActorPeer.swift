import Dispatch

/// A Swift actor on the default executor (the global cooperative pool).
actor CounterActor {
    private var total = 0
    private var target = Int.max
    private var reached: DispatchSemaphore?

    /// Signals `semaphore` once `count` more `add`s have arrived (casts via `Task` are
    /// unordered, so "drained" means "all arrived").
    func expect(_ count: Int, _ semaphore: DispatchSemaphore) {
        target = total &+ count
        reached = semaphore
    }

    func add(_ amount: Int) {
        total &+= amount
        if total == target { reached?.signal() }
    }

    func echo(_ value: Int) -> Int {
        total &+= 1
        return value &+ 1
    }

    func stamp(_ buffer: consuming sending [UInt8]) -> sending [UInt8] {
        buffer[0] &+= 1
        return buffer
    }
}

/// The same actor, pinned to a ``DedicatedThreadExecutor``: every method runs on that thread.
actor PinnedCounterActor {
    private let executor: DedicatedThreadExecutor
    private var total = 0
    private var target = Int.max
    private var reached: DispatchSemaphore?
    /// The thread the last `echo` ran on, to prove the hop really happens.
    private(set) var lastThreadID: UInt = 0

    init(executor: DedicatedThreadExecutor) { self.executor = executor }

    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    func expect(_ count: Int, _ semaphore: DispatchSemaphore) {
        target = total &+ count
        reached = semaphore
    }

    func add(_ amount: Int) {
        total &+= amount
        if total == target { reached?.signal() }
    }

    func echo(_ value: Int) -> Int {
        total &+= 1
        lastThreadID = currentThreadID()
        return value &+ 1
    }

    func stamp(_ buffer: consuming sending [UInt8]) -> sending [UInt8] {
        buffer[0] &+= 1
        return buffer
    }
}

/// The smallest actor, for spawn cost.
actor IdleActor {
    func ping(_ value: Int) -> Int { value &+ 1 }
}

/// A pipeline stage as an actor: each stage awaits the next one (the idiomatic actor chain).
actor PipelineStageActor {
    private let next: PipelineStageActor?
    private(set) var received = 0

    init(next: PipelineStageActor?) { self.next = next }

    func push(_ value: Int) async {
        received &+= 1
        await next?.push(value &+ 1)
    }
}
