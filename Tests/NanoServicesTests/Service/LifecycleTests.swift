import Foundation
import NanoServices
import Testing

@Suite("Lifecycle")
struct LifecycleTests {
    @Test("graceful stop handles everything already queued, then ends the thread")
    func gracefulStopDrains() async throws {
        let probe = ReleaseProbe()
        let service = try Tracked.Service(probe: probe, options: .named("graceful"))
        _ = try await service.slow(milliseconds: 20) // service is running
        for _ in 0..<1_000 { service.touch() }
        try await service.control.stop()
        #expect(service.control.state == .stopped)
        #expect(service.control.droppedCasts == 0)
        // The instance was released on its own thread, after the thread's last message.
        #expect(probe.released.withLock { $0 } == "graceful")
        await #expect(throws: ServiceError.self) { try await service.handledCount() }
    }

    @Test("after stop, a call throws `stopped` and a cast is counted as dropped")
    func afterStop() throws {
        let counter = try Counter.Service(start: 0)
        try counter.control.stop()
        let error = #expect(throws: ServiceError.self) { try counter.current() }
        #expect(error?.code == .stopped)
        #expect(error?.serviceName == "Counter")
        counter.increment()
        counter.add(2)
        #expect(counter.control.droppedCasts == 2)
    }

    @Test("immediate stop fails queued calls with `stopped`, drops queued casts, and nothing hangs")
    func immediateStop() async throws {
        let probe = ReleaseProbe()
        let service = try Tracked.Service(probe: probe)
        let gate = DispatchSemaphore(value: 0)
        let held = Task { try await service.hold(until: gate) } // occupies the service
        while !probe.holding.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(1)) }
        let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<19 {
                group.addTask {
                    do {
                        _ = try await service.handledCount()
                        return "answered"
                    } catch let error as ServiceError {
                        return "\(error.code)"
                    }
                }
            }
            for _ in 0..<10 { service.touch() }
            while service.control.mailboxDepth < 29 { try await Task.sleep(for: .milliseconds(1)) }
            service.control.requestStop(.immediate)
            gate.signal()
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(try await held.value == 1) // the message already running completes
        try await service.control.join()
        #expect(outcomes == Array(repeating: "stopped", count: 19))
        #expect(service.control.droppedCasts == 10)
    }

    @Test("a throwing initializer's error reaches the spawner unchanged")
    func throwingInitializer() throws {
        #expect(throws: OpenFailed(path: "")) { try Journal.Service(path: "") }
        let journal = try Journal.Service(path: "/tmp/journal")
        journal.append("x")
        #expect(try journal.count() == 1)
    }

    @Test("a failable initializer's nil becomes `initializerFailed`")
    func failableInitializer() throws {
        let error = #expect(throws: ServiceError.self) { try Journal.Service(bytes: 0) }
        #expect(error?.code == .initializerFailed)
        #expect(try Journal.Service(bytes: 8).count() == 0)
    }

    @Test("a pooled service whose failable initializer returns nil: initializerFailed from a plain thread or a task, nothing left in the pool",
          .timeLimit(.minutes(15)))
    func failableInitializerOnAPool() async throws {
        let pool = ServicePool(name: "failable-pool", threads: 1)
        let options = ServiceOptions(name: "failable-pooled", placement: .pool(pool))
        let fromThread = try await runOnNewThread { () -> ServiceError.Code? in
            do {
                _ = try Journal.Service(bytes: 0, options: options)
                return nil
            } catch let error as ServiceError {
                return error.code
            }
        }
        #expect(fromThread == .initializerFailed)
        let fromTask = #expect(throws: ServiceError.self) { try Journal.Service(bytes: 0, options: options) }
        #expect(fromTask?.code == .initializerFailed)
        // It leaves the registry when its end is done (at once, or shortly after on a slow run).
        #expect(await ThreadInfo.eventually { !ServiceRegistry.snapshot().contains { $0.name == "failable-pooled" } })
        #expect(try await Journal.Service(bytes: 8, options: options).count() == 0)  // the pool still works
        try await pool.shutdown()
    }

    @Test("releasing the last handle stops the service and ends its thread")
    func lastHandleStops() async throws {
        let probe = ReleaseProbe()
        let name = "last-handle"
        do {
            let service = try Tracked.Service(probe: probe, options: .named(name))
            let copy = service
            copy.touch()
            #expect(try await service.handledCount() == 1)
            #expect(ThreadInfo.count(named: name) == 1)
        }
        #expect(await ThreadInfo.eventually { probe.released.withLock { $0 } == name })
        #expect(await ThreadInfo.eventually { ThreadInfo.count(named: name) == 0 })
    }

    @Test("a handle made by timingOut(after:) keeps the service running after the handle it came from is gone; so does a control")
    func derivedHandlesKeepItRunning() async throws {
        let limitedProbe = ReleaseProbe()
        var limited: Tracked.Service?
        do {
            let service = try Tracked.Service(probe: limitedProbe, options: .named("derived-limited"))
            limited = service.timingOut(after: .seconds(60))
        }
        // A release that stopped the service would have marked it stopping already.
        #expect([.starting, .running].contains(limited?.control.state))
        #expect(try await limited?.handledCount() == 0)
        limited = nil
        #expect(await ThreadInfo.eventually { limitedProbe.released.withLock { $0 } == "derived-limited" })

        let controlProbe = ReleaseProbe()
        var control: ServiceControl?
        do {
            let service = try Tracked.Service(probe: controlProbe, options: .named("derived-control"))
            control = service.control
        }
        #expect([.starting, .running].contains(control?.state))
        control = nil
        #expect(await ThreadInfo.eventually { controlProbe.released.withLock { $0 } == "derived-control" })
    }

    @Test("spawning and dropping 1,000 services leaves no thread behind")
    func noLeakedThreads() async throws {
        let name = "leak-check"
        #expect(ThreadInfo.count(named: name) == 0)
        let correct = try await runOnNewThread {
            try (0..<1_000).filter { index in
                let counter = try Counter.Service(start: index, options: .named(name))
                return try counter.plus(1) == index + 1
            }.count
        }
        #expect(correct == 1_000)
        #expect(await ThreadInfo.eventually { ThreadInfo.count(named: name) == 0 })
    }

    @Test("join waits for a stop requested elsewhere; stop and join are idempotent")
    func joinAndRepeat() async throws {
        let counter = try Counter.Service(start: 0)
        Task.detached { counter.control.requestStop() }
        try await counter.control.join()
        #expect(counter.control.state == .stopped)
        try await counter.control.stop()
        try await counter.control.stop(.immediate)
        try await counter.control.join()
    }

    @Test("states go starting/running → stopping → stopped")
    func states() throws {
        let counter = try Counter.Service(start: 0)
        _ = try counter.current()
        #expect(counter.control.state == .running)
        _ = try counter.control.stop()
        #expect(counter.control.state == .stopped)
    }

    @Test("a call, stop() or join() on itself fails with `deadlock` instead of hanging; a cast and requestStop() to itself are fine (own thread or pooled)",
          arguments: [false, true])
    func selfCall(pooled: Bool) throws {
        let pool = ServicePool(name: "self-waiter", threads: 1)
        defer { try? pool.shutdown() }
        let options = ServiceOptions(placement: pooled ? .pool(pool) : .ownThread)
        let service = try SelfWaiter.Service(options: options)
        service.remember(service)
        #expect(try service.callSelf() == "deadlock")
        #expect(try service.joinSelf() == "deadlock")
        #expect(service.control.state == .running)
        service.castSelf()
        // By the time a first call is answered, castSelf has run and queued its cast to itself,
        // so a second call is handled after that cast.
        _ = try service.value()
        #expect(try service.value() == 1)
        #expect(try service.stopSelfAndWait() == "deadlock")
        try service.control.join() // the stop was still requested
        #expect(service.control.state == .stopped)

        let other = try SelfWaiter.Service(options: options)
        other.remember(other)
        other.stopSelfLater()
        try other.control.join()
        #expect(other.control.state == .stopped)
    }

    @Test("a non-throwing initializer is not waited for: spawning returns while it runs, and messages wait for it (own thread, or pooled spawned from a task)",
          .timeLimit(.minutes(15)), arguments: [false, true])
    func nonThrowingInitializerIsNotWaitedFor(pooled: Bool) async throws {
        let pool = ServicePool(name: "slow-start", threads: 2)
        let gate = DispatchSemaphore(value: 0)
        // Would hang here (until the time limit) if the spawner waited for the initializer.
        let service = try SlowStart.Service(
            gate: gate, options: .init(name: "slow-start", placement: pooled ? .pool(pool) : .ownThread))
        #expect(service.control.state == .starting)
        let answer = Task { try await service.isInitialized() }
        try await Task.sleep(for: .milliseconds(20))
        #expect(service.control.state == .starting)
        gate.signal()
        #expect(try await answer.value)  // the initializer ran before the message
        try await service.control.stop()
        try await pool.shutdown()
    }

    @Test("releasing the last handle stops gracefully: the casts still queued are handled (own thread or pooled)",
          .timeLimit(.minutes(15)), arguments: [false, true])
    func lastHandleDrains(pooled: Bool) async throws {
        let pool = ServicePool(name: "last-drain-pool", threads: 1)
        let gate = DispatchSemaphore(value: 0)
        let counters = SinkCounters()
        do {
            let sink = try Sink.Service(
                counters: counters, gate: gate, options: .init(name: "last-drain", placement: pooled ? .pool(pool) : .ownThread))
            for index in 0..<100 { sink.absorb(index) }  // the first waits at the gate
        }  // the last handle is released here, with casts queued
        gate.signal()
        #expect(await ThreadInfo.eventually { !ServiceRegistry.snapshot().contains { $0.name == "last-drain" } })
        #expect(counters.handled.load(ordering: .relaxed) == 100)  // ended only after draining
        try await pool.shutdown()
    }

    @Test("a thread the system refuses to start throws `spawnFailed`")
    func spawnFailed() throws {
        // A 64 TiB stack cannot be mapped.
        let error = #expect(throws: ServiceError.self) {
            try Counter.Service(start: 0, options: .init(name: "too-big", stackSize: 1 << 46))
        }
        #expect(error?.code == .spawnFailed)
        #expect(error?.serviceName == "too-big")
    }

    @Test("a struct service keeps its state across mutating methods, on its own thread")
    func structService() async throws {
        let tally = try WordTally.Service()
        for word in ["a", "b", "a"] { tally.count(word) }
        #expect(try await tally.total(of: "a") == 2)
        #expect(try await tally.total(of: "b") == 1)
    }
}
