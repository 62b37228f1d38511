import Foundation
import NanoServices
import Testing

@Suite("Async service methods")
struct AsyncMethodTests {
    /// Own thread, or a pool of 2 threads of its own (returned, to be shut down).
    private func placement(pooled: Bool) -> (ServicePlacement, ServicePool?) {
        guard pooled else { return (.ownThread, nil) }
        let pool = ServicePool(name: "async-methods", threads: 2)
        return (.pool(pool), pool)
    }

    @Test("code before and after every await runs on the service's own thread")
    func runsOnServiceThread() async throws {
        let ledger = try Ledger2.Service(options: .named("ledger2"))
        let placement = try await ledger.placement(7)
        #expect(placement == Placement(before: "ledger2", afterSleep: "ledger2", afterLookup: "ledger2", sameThread: true))
        // The blocking form works from a plain thread too.
        let blocking = try await runOnNewThread { try ledger.placement(8) }
        #expect(blocking.sameThread && blocking.afterLookup == "ledger2")
    }

    /// README, "Current limits": Swift passes the method task's executor preference on to
    /// `async let` children (a method run in its caller's task, as an actor's is, would not).
    @Test("async let children of an async method run on the service's executor, on either placement",
          arguments: [false, true])
    func childTasksStayOnService(pooled: Bool) async throws {
        let pool = ServicePool(name: "am-children", threads: 1)
        let ledger = try Ledger2.Service(options: .init(name: "children", placement: pooled ? .pool(pool) : .ownThread))
        #expect(try await ledger.childServices() == Array(repeating: "children", count: 4))
        try await ledger.control.stop()
        try await pool.shutdown()
    }

    @Test("an async method takes non-Sendable values sent to it")
    func sendingIntoAsyncMethod() async throws {
        let ledger = try Ledger2.Service()
        let documents = [Document(title: "a"), Document(title: "b")]
        #expect(try await ledger.adopt(documents) == ["a:1", "b:1"])
    }

    @Test("no reentrancy: read–await–write is never interleaved, unlike an actor")
    func notReentrant() async throws {
        let ledger = try Ledger2.Service()
        let service = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 { group.addTask { try await ledger.deposit(1) } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(try await ledger.balanceNow() == 20) // no lost update
        #expect(Set(service) == Set(1...20))
        #expect(try await ledger.mostInsideAtOnce() == 1)

        let actor = ActorLedger()
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<20 { group.addTask { await actor.deposit(1) } }
            await group.waitForAll()
        }
        // The actor interleaved at its await and lost updates.
        #expect(await actor.maxInside > 1)
        #expect(await actor.balanceNow() < 20)
    }

    @Test("@Reentrant methods do interleave while suspended")
    func reentrantInterleaves() async throws {
        // The limit only turns a hang (no interleaving) into a failure; it is generous because
        // a sanitized, loaded test run can starve this task for minutes (206 s once).
        let ledger = try Ledger2.Service(options: .init(callTimeout: .seconds(900)))
        let gate = AsyncGate()
        async let waited = ledger.waitReentrantly(for: gate)
        while gate.waiting == 0 { try await Task.sleep(for: .milliseconds(1)) }
        // Only runs because the first method does not hold the service while it waits.
        let insideWhileWaiting = try await ledger.openReentrantly(gate)
        #expect(insideWhileWaiting == 1)
        #expect(try await waited == "waited")
    }

    @Test("messages sent while a method is suspended are handled afterwards, in order (own thread or pooled)",
          arguments: [false, true])
    func orderingWhileSuspended(pooled: Bool) async throws {
        let (placement, pool) = placement(pooled: pooled)
        let ledger = try Ledger2.Service(options: .init(placement: placement))
        let gate = AsyncGate()
        ledger.hold(gate) // an async cast: it still holds the service until it returns
        while gate.waiting == 0 { try await Task.sleep(for: .milliseconds(1)) }
        ledger.record("1")
        let balance = Task { try await ledger.balanceNow() }
        ledger.record("2")
        try await Task.sleep(for: .milliseconds(10))
        gate.open()
        #expect(try await balance.value == 0)
        #expect(try await ledger.log() == ["held", "1", "2"])
        try await pool?.shutdown()
    }

    @Test("graceful stop waits for a suspended method to finish (own thread or pooled)", arguments: [false, true])
    func gracefulStopWaits(pooled: Bool) async throws {
        let (placement, pool) = placement(pooled: pooled)
        let ledger = try Ledger2.Service(options: .init(placement: placement))
        let gate = AsyncGate()
        ledger.hold(gate)
        while gate.waiting == 0 { try await Task.sleep(for: .milliseconds(1)) }
        let stopping = Task { try await ledger.control.stop() }
        try await Task.sleep(for: .milliseconds(20))
        #expect(ledger.control.state == .stopping)
        // Graceful still refuses new messages: a call sent now fails at once.
        let refused = await #expect(throws: ServiceError.self) { try await ledger.balanceNow() }
        #expect(refused?.code == .stopped)
        gate.open()
        try await stopping.value
        #expect(ledger.control.state == .stopped)
        try await pool?.shutdown()
    }

    @Test("immediate stop cancels a suspended method and fails pending calls with `stopped` (own thread or pooled)",
          arguments: [false, true])
    func immediateStopCancels(pooled: Bool) async throws {
        let (placement, pool) = placement(pooled: pooled)
        let ledger = try Ledger2.Service(options: .init(placement: placement))
        let started = AsyncGate()
        // The caller reports its own task's cancellation too: the stop cancels the method's
        // task, never the caller's (README, "Async methods": cost paragraph).
        let sleeping = Task { () -> String in
            let answer = try await ledger.sleepLong(started: started)
            return Task.isCancelled ? "caller cancelled" : answer
        }
        while !started.isOpen { try await Task.sleep(for: .milliseconds(1)) }
        let pending = Task { () -> String in
            do {
                _ = try await ledger.log()
                return "answered"
            } catch let error as ServiceError {
                return "\(error.code)"
            }
        }
        while ledger.control.mailboxDepth == 0 { try await Task.sleep(for: .milliseconds(1)) }
        try await ledger.control.stop(.immediate)
        // Without the cancellation the method would sleep 10 minutes and answer "slept" (a long
        // sleep, so that a starved, sanitized run cannot outlast it before the stop).
        #expect(try await sleeping.value == "cancelled")
        #expect(try await pending.value == "stopped")
        try await pool?.shutdown()
    }

    @Test("an async @Cast method that throws: the error reaches onCastError (own thread or pooled)", arguments: [false, true])
    func throwingAsyncCast(pooled: Bool) async throws {
        let (placement, pool) = placement(pooled: pooled)
        let failures = Protected<[String]>([])
        let saver = try LateSaver.Service(options: .init(
            name: "late-saver", placement: placement,
            onCastError: { failure in failures.withLock { $0.append("\(failure.serviceName) \(failure.method) \(failure.underlying)") } }))
        saver.saveLater(7)
        #expect(try await saver.attemptsSoFar() == 1)  // handled after the method (which held the service) ended
        #expect(failures.withLock { $0 } == ["late-saver saveLater(_:) SaveFailed(n: 7)"])
        try await saver.control.stop()
        try await pool?.shutdown()
    }

    @Test("under a supervisor, an async @Cast method that throws is a failure: the instance is replaced, onCastError is not called")
    func throwingAsyncCastSupervised() async throws {
        let failures = Protected<[String]>([])
        let supervisor = Supervisor(name: "late-savers", backoff: .none)
        let saver = try supervisor.start(LateSaver.self, options: .init(
            name: "late-saver-supervised", onCastError: { failure in failures.withLock { $0.append("\(failure.method)") } })) {
            LateSaver()
        }
        saver.saveLater(7)
        // Sent while the method holds the service (or together with the cast): it waits, and
        // meets the new instance — never the failed one (this was a bug: the held call ran on
        // the failed instance before the restart).
        #expect(try await saver.attemptsSoFar() == 0)  // a fresh instance
        #expect(saver.control.snapshot().restarts == 1)
        #expect(failures.withLock { $0 } == [])
        await supervisor.stop()
    }

    @Test("an async method awaiting its own service's join() or stop() gets `deadlock`, not a hang (own thread or pooled)",
          .timeLimit(.minutes(15)), arguments: [false, true])
    func awaitingOwnStopOrJoin(pooled: Bool) async throws {
        let (placement, pool) = placement(pooled: pooled)
        let ledger = try Ledger2.Service(options: .init(placement: placement))
        #expect(try await ledger.stopSelf(ledger, join: true) == "deadlock")
        #expect(ledger.control.state == .running)  // a join changes nothing
        #expect(try await ledger.stopSelf(ledger, join: false) == "deadlock")
        try await ledger.control.join()  // the stop was still requested
        #expect(ledger.control.state == .stopped)
        try await pool?.shutdown()
    }

    @Test("an async cycle (A awaits B while B awaits A) fails with `deadlock` instead of hanging (own thread or pooled)",
          arguments: [false, true])
    func asyncCycle(pooled: Bool) async throws {
        let (placement, pool) = placement(pooled: pooled)
        let a = try AsyncRelay.Service(label: "A", options: .init(name: "A", placement: placement, callTimeout: .seconds(10)))
        let b = try AsyncRelay.Service(label: "B", options: .init(name: "B", placement: placement, callTimeout: .seconds(10)))
        try await a.connect(to: b)
        try await b.connect(to: a)
        // Undetected, the cycle would end in `timeout` after 10 s instead.
        let error = await #expect(throws: ServiceError.self) { try await a.relay(hops: 3) }
        #expect(error?.code == .deadlock)
        #expect(error?.cycle == ["B", "A", "B"])
        #expect(try await a.relay(hops: 1) == "A>B") // both keep working
        // A holding method awaiting its own service: the shortest cycle.
        try await a.connect(to: a)
        let selfError = await #expect(throws: ServiceError.self) { try await a.relay(hops: 1) }
        #expect(selfError?.code == .deadlock)
        #expect(try await a.relay(hops: 0) == "A")
        try await a.connect(to: nil)
        try await b.connect(to: nil)
        try await pool?.shutdown()
    }
}
