import Foundation
import NanoServices
import Testing

@Suite("Service pools")
struct ServicePoolTests {
    @Test("4 senders × 20,000 casts to a pooled service: all handled, in order per sender, one at a time")
    func ordersAndConfines() async throws {
        let pool = ServicePool(name: "pt-order", threads: 2)
        let overlap = Overlap()
        let worker = try PoolWorker.Service(overlap: overlap, options: .init(placement: .pool(pool)))
        // A second busy service on the same pool, so the worker's slices move between threads.
        let other = try PoolWorker.Service(overlap: Overlap(), options: .init(placement: .pool(pool)))
        let perSender = isThreadSanitized ? 4_000 : 20_000 // TSan: the same races, a fifth of the work
        try await runOnNewThread {
            DispatchQueue.concurrentPerform(iterations: 5) { sender in
                if sender == 4 {
                    for _ in 0..<2_000 { other.work(microseconds: 1) }
                } else {
                    for value in 0..<perSender { worker.add(value, from: sender) }
                }
            }
        }
        #expect(try await worker.count() == 4 * perSender)
        #expect(try await worker.misordered() == 0)
        #expect(overlap.most.load(ordering: .relaxed) == 1)
        #expect(try await other.count() == 2_000)
        #expect(try await worker.threadName().hasPrefix("pt-order-"))
        #expect(worker.control.snapshot().threadName == "pt-order")
        #expect(worker.control.snapshot().messagesHandled == 4 * perSender + 3)  // the casts and three calls
        #expect(pool.threadCounts.alive <= 2)
        try await worker.control.stop()
        try await other.control.stop()
    }

    @Test("10,000 pooled services on 2 threads: spawn, call each, stop — no thread per service")
    func tenThousandServices() async throws {
        let pool = ServicePool(name: "pt-many", threads: 2)
        let overlap = Overlap()
        var services: [PoolWorker.Service] = []
        for _ in 0..<(isThreadSanitized ? 2_000 : 10_000) {
            services.append(try PoolWorker.Service(overlap: overlap, options: .init(placement: .pool(pool))))
        }
        for (index, service) in services.enumerated() {
            #expect(try await service.ping(index) == index + 1)
        }
        #expect(pool.threadCounts.alive <= 2)
        #expect(ThreadInfo.count(prefixed: "pt-many") <= 2)
        for service in services { service.control.requestStop() }
        for service in services { try await service.control.join() }
        #expect(services.allSatisfy { $0.control.snapshot().state == .stopped })
    }

    @Test("blocking calls along a chain of services on a 1-thread pool complete; extra threads retire", .timeLimit(.minutes(15)))
    func blockingChainCompensates() async throws {
        let pool = ServicePool(name: "pt-chain", threads: 1)
        let options = ServiceOptions(placement: .pool(pool), callTimeout: .seconds(60))
        let a = try Relay.Service(label: "A", options: options)
        let b = try Relay.Service(label: "B", options: options)
        let c = try Relay.Service(label: "C", options: options)
        try await a.connect(to: b)
        try await b.connect(to: c)
        // A's method blocks its pool thread on B, whose method blocks on C: without a thread
        // lent for each blocked one, B and C could never run.
        #expect(try await a.relay(hops: 2) == "A>B>C")
        #expect(await ThreadInfo.eventually { pool.threadCounts == (alive: 1, blocked: 0) })
        try await a.control.stop()
        try await b.control.stop()
        try await c.control.stop()
    }

    @Test("a cycle of blocking calls between pooled services fails fast with deadlock", .timeLimit(.minutes(15)))
    func deadlockOnPool() async throws {
        let pool = ServicePool(name: "pt-cycle", threads: 1)
        let a = try Relay.Service(label: "A", options: .init(name: "pA", placement: .pool(pool), callTimeout: .seconds(60)))
        let b = try Relay.Service(label: "B", options: .init(name: "pB", placement: .pool(pool), callTimeout: .seconds(60)))
        try await a.connect(to: b)
        try await b.connect(to: a)
        let error = await #expect(throws: ServiceError.self) { try await a.relay(hops: 3) }
        #expect(error?.code == .deadlock)
        // Whichever of the two closes the cycle reports it, starting from itself.
        #expect(error?.cycle == ["pA", "pB", "pA"] || error?.cycle == ["pB", "pA", "pB"])
        try await a.connect(to: nil)
        try await b.connect(to: nil)
        try await a.control.stop()
        try await b.control.stop()
    }

    @Test("async methods on a pooled service run on the pool and never interleave")
    func asyncMethodsOnPool() async throws {
        let pool = ServicePool(name: "pt-async", threads: 2)
        let ledger = try Ledger2.Service(options: .init(placement: .pool(pool)))
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 { group.addTask { try await ledger.deposit(1) } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(Set(results) == Set(1...20))
        #expect(try await ledger.balanceNow() == 20)
        #expect(try await ledger.mostInsideAtOnce() == 1)
        let placement = try await ledger.placement(3)
        #expect(placement.before.hasPrefix("pt-async-"))
        #expect(placement.afterSleep.hasPrefix("pt-async-"))
        #expect(placement.afterLookup.hasPrefix("pt-async-"))
        try await ledger.control.stop()
    }

    @Test("a busy pooled service does not keep a 1-thread pool from the others")
    func fairness() async throws {
        let pool = ServicePool(name: "pt-fair", threads: 1)
        let busyProgress = Overlap()
        let busy = try PoolWorker.Service(overlap: busyProgress, options: .init(placement: .pool(pool)))
        let quiet = try PoolWorker.Service(overlap: Overlap(), options: .init(placement: .pool(pool)))
        // Hold the only pool thread in a third service while the backlog builds up, so the
        // test does not depend on how fast it can send (a sanitized run sends slowly).
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let blocker = try Probe.Service(options: .init(placement: .pool(pool)))
        blocker.hold(entered: entered, release: release)
        try await runOnNewThread { entered.wait() }
        for _ in 0..<50_000 { busy.work(microseconds: 2) }  // queued first: ≥ 100 ms of work
        let observed = Task { try await quiet.observe(busy, progress: busyProgress) }
        while quiet.control.snapshot().mailboxDepth < 1 { try await Task.sleep(for: .milliseconds(1)) }
        release.signal()
        // The quiet service ran after one slice of the busy one, not after its whole backlog,
        // and the busy one's depth counted the rest of the batch its slice left in hand.
        let seen = try await observed.value
        let busyDoneWhenQuietRan = seen[0]
        #expect(busyDoneWhenQuietRan < 50_000)
        #expect(busyDoneWhenQuietRan <= 256)
        #expect(seen[1] == 50_000 - busyDoneWhenQuietRan)
        #expect(try await busy.count() == 50_000)
        try await busy.control.stop()
        try await quiet.control.stop()
        try await blocker.control.stop()
    }

    @Test("stop, join and release work as with a thread; a throwing initializer rethrows at spawn")
    func lifecycleOnPool() async throws {
        let pool = ServicePool(name: "pt-life", threads: 1)
        let counter = try Counter.Service(start: 0, options: .init(name: "pooled-counter", placement: .pool(pool)))
        for _ in 0..<1_000 { counter.increment() }
        try await counter.control.stop()  // graceful: drains first
        #expect(counter.control.snapshot().messagesHandled == 1_000)
        #expect(counter.control.snapshot().state == .stopped)
        await #expect(throws: ServiceError.self) { try await counter.current() }
        counter.increment()  // after stop: dropped and counted
        #expect(counter.control.droppedCasts == 1)

        #expect(throws: OpenFailed.self) {
            _ = try Journal.Service(path: "", options: .init(placement: .pool(pool)))
        }

        let name = "pooled-released-\(UInt16.random(in: 0...UInt16.max))"
        var released: Counter.Service? = try Counter.Service(start: 1, options: .init(name: name, placement: .pool(pool)))
        #expect(try await released?.current() == 1)
        released = nil  // the last handle: graceful stop, on the pool
        #expect(await ThreadInfo.eventually { !ServiceRegistry.snapshot().contains { $0.name == name } })
    }

    @Test("a pooled service's immediate stop fails the calls still queued and drops the casts, counted")
    func immediateStopOnPool() async throws {
        let pool = ServicePool(name: "pt-stop", threads: 1)
        let counter = try Counter.Service(start: 0, options: .init(placement: .pool(pool)))
        // Hold the only pool thread inside another service's method, so the call below
        // stays queued; then stop the counter immediately.
        let gate = DispatchSemaphore(value: 0)
        let entered = DispatchSemaphore(value: 0)
        let blocker = try Probe.Service(options: .init(placement: .pool(pool)))
        blocker.hold(entered: entered, release: gate)
        try await runOnNewThread { entered.wait() }
        let queued = Task { try await counter.current() }
        while counter.control.snapshot().mailboxDepth == 0 { try await Task.sleep(for: .milliseconds(1)) }
        for _ in 0..<5 { counter.increment() }  // queued behind the call
        counter.control.requestStop(.immediate)
        gate.signal()
        let error = await #expect(throws: ServiceError.self) { try await queued.value }
        #expect(error?.code == .stopped)
        try await counter.control.join()
        #expect(counter.control.droppedCasts == 5)
        #expect(counter.control.snapshot().messagesHandled == 0)
        try await blocker.control.stop()
    }

    @Test("waiting for room in a full mailbox, or in join, lends the pool thread too", .timeLimit(.minutes(15)))
    func otherBlockingWaitsCompensate() async throws {
        let pool = ServicePool(name: "pt-room", threads: 1)
        let counters = SinkCounters()
        let sink = try Sink.Service(counters: counters, options: .init(
            placement: .pool(pool), mailbox: .bounded(capacity: 2, whenFull: .block)))
        let feeder = try PoolBlocker.Service(options: .init(placement: .pool(pool)))
        // The feeder fills the sink's mailbox and waits for room on the only pool thread;
        // the sink can only make room on a lent thread.
        #expect(try await feeder.feed(sink, count: 200) == 200)
        try await sink.control.stop()
        #expect(counters.handled.load(ordering: .relaxed) == 200)

        let counter = try Counter.Service(start: 0, options: .init(placement: .pool(pool)))
        counter.increment()
        // `stop()` joins: the feeder's pool thread waits for the counter's last slice.
        #expect(try await feeder.stopAndJoin(counter) == "stopped")
        #expect(await ThreadInfo.eventually { pool.threadCounts == (alive: 1, blocked: 0) })
        try await feeder.control.stop()
    }

    @Test("the shared pool runs services like any pool")
    func sharedPool() async throws {
        let counter = try Counter.Service(start: 7, options: .init(name: "shared-pooled", placement: .sharedPool))
        counter.add(3)
        #expect(try await counter.current() == 10)
        #expect(try await counter.threadName().hasPrefix("nano-pool-"))
        #expect(counter.control.snapshot().threadName == "nano-pool")
        #expect(ServicePool.shared.threadCount == ServicePool.coreCount)
        try await counter.control.stop()
    }

    @Test("a pool that cannot start a thread makes the spawn throw `spawnFailed`")
    func poolSpawnFailed() throws {
        // A 64 TiB stack cannot be mapped.
        let pool = ServicePool(name: "pt-fail", threads: 1, stackSize: 1 << 46)
        let error = #expect(throws: ServiceError.self) {
            try Counter.Service(start: 0, options: .init(name: "pooled-too-big", placement: .pool(pool)))
        }
        #expect(error?.code == .spawnFailed)
        #expect(pool.threadCounts.alive == 0)
        #expect(!ServiceRegistry.snapshot().contains { $0.name == "pooled-too-big" })
    }
}

@Suite("Service pools: shutdown")
struct ServicePoolShutdownTests {
    @Test("shutdown drains and stops every service, ends the threads, and refuses new services", .timeLimit(.minutes(15)))
    func shutdownEndsEverything() async throws {
        let pool = ServicePool(name: "pt-down", threads: 2)
        let counters = (0..<50).map { _ in try? Counter.Service(start: 0, options: .init(placement: .pool(pool))) }.compactMap { $0 }
        #expect(counters.count == 50)
        for counter in counters { for _ in 0..<100 { counter.increment() } }
        // A new thread names itself once it runs: on a loaded machine that can take a while.
        #expect(await ThreadInfo.eventually { ThreadInfo.count(prefixed: "pt-down-") >= 1 })

        try await pool.shutdown()
        #expect(pool.isShutDown)
        for counter in counters {
            #expect(counter.control.snapshot().state == .stopped)
            #expect(counter.control.snapshot().messagesHandled == 100)  // graceful: drained first
        }
        #expect(pool.threadCounts == (alive: 0, blocked: 0))
        #expect(await ThreadInfo.eventually { ThreadInfo.count(prefixed: "pt-down-") == 0 })

        let error = #expect(throws: ServiceError.self) {
            try Counter.Service(start: 0, options: .init(name: "too-late", placement: .pool(pool)))
        }
        #expect(error?.code == .spawnFailed)
        try await runOnNewThread { try pool.shutdown() }  // again (the blocking form): returns at once
    }

    @Test("shutdown of an unused pool returns at once; from its own service it throws deadlock", .timeLimit(.minutes(15)))
    func shutdownEdgeCases() async throws {
        try await runOnNewThread { try ServicePool(name: "pt-unused").shutdown() }

        let pool = ServicePool(name: "pt-self", threads: 1)
        let closer = try PoolCloser.Service(pool: pool, options: .init(placement: .pool(pool)))
        let error = await #expect(throws: ServiceError.self) { try await closer.closePool() }
        #expect(error?.code == .deadlock)
        #expect(!pool.isShutDown)  // nothing was stopped
        #expect(try await closer.ping() == "pong")
        try await pool.shutdown()
        #expect(closer.control.snapshot().state == .stopped)
    }

    @Test("shutting down ServicePool.shared makes later .sharedPool spawns fail (in a process of its own)")
    func sharedPoolShutdown() async {
        await #expect(processExitsWith: .success) {
            let before = try Counter.Service(start: 1, options: .init(placement: .sharedPool))
            let answer = try await before.current()
            precondition(answer == 1)
            try await ServicePool.shared.shutdown()
            do {
                _ = try Counter.Service(start: 0, options: .init(placement: .sharedPool))
                preconditionFailure("a spawn on the shut-down shared pool succeeded")
            } catch let error as ServiceError {
                precondition(error.code == .spawnFailed, "unexpected code \(error.code)")
            }
        }
    }
}
