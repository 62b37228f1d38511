import Foundation
import NanoServices
import Synchronization
import Testing

@Suite("Calls to idle pooled services run on the caller's thread")
struct InlineCallTests {
    @Test("a blocking call to an idle pooled service runs on the calling thread and is counted",
          .timeLimit(.minutes(15)))
    func idleServiceRunsInline() async throws {
        let pool = ServicePool(name: "inl-idle", threads: 1)
        let probe = try InlineProbe.Service(overlap: Overlap(), options: .init(placement: .pool(pool)))
        // The first calls may find the service busy creating its instance or finishing the
        // slice that answered the previous call; once idle, a call runs on the caller's thread.
        let (inline, calls) = try await runOnNewThread { () -> (Int, Int) in
            let caller = ThreadInfo.currentID
            var inline = 0
            var calls = 0
            while inline < 100 && calls < 1_000_000 {
                if try probe.report().threadID == caller { inline += 1 }
                calls += 1
            }
            return (inline, calls)
        }
        #expect(inline == 100)
        #expect(probe.control.snapshot().messagesHandled == calls)
        // Calls from a plain task, and calls with a time limit, still go through a pool thread.
        #expect(try await probe.report().threadName.hasPrefix("inl-idle-"))
        let limited = probe.timingOut(after: .seconds(60))
        #expect(try await runOnNewThread { try limited.report().threadName }.hasPrefix("inl-idle-"))
        try await probe.control.stop()
        try await pool.shutdown()
    }

    @Test("a call run inline counts its method's time as the service's busy time, in nanoseconds",
          .timeLimit(.minutes(15)))
    func inlineCallIsBusyTime() async throws {
        let pool = ServicePool(name: "inl-busy", threads: 1)
        let probe = try InlineProbe.Service(overlap: Overlap(), options: .init(placement: .pool(pool)))
        let measured = try await runOnNewThread { () -> (busy: Duration, wall: Duration)? in
            let caller = ThreadInfo.currentID
            for _ in 0..<1_000 {
                let before = probe.control.snapshot().busyTime
                let started = ContinuousClock.now
                let report = try probe.pause(milliseconds: 20)
                let wall = ContinuousClock.now - started
                if report.threadID == caller { return (probe.control.snapshot().busyTime - before, wall) }
            }
            return nil
        }
        let (busy, wall) = try #require(measured)
        // The method slept 20 ms on this thread; its busy time is within the call's wall time
        // (counter ticks left unconverted, or converted wrongly, would fall outside).
        #expect(busy >= .milliseconds(19))
        #expect(busy <= wall + .milliseconds(1))
        try await probe.control.stop()
        try await pool.shutdown()
    }

    @Test("a call that meets a busy pooled service waits its turn behind the queued casts",
          .timeLimit(.minutes(15)))
    func busyServiceTakesTheMailbox() async throws {
        let pool = ServicePool(name: "inl-busy", threads: 1)
        let overlap = Overlap()
        let probe = try InlineProbe.Service(overlap: overlap, options: .init(placement: .pool(pool)))
        let gate = DispatchSemaphore(value: 0)
        let entered = DispatchSemaphore(value: 0)
        probe.hold(until: gate, entered: entered)
        entered.wait()  // the service is busy on its pool thread now
        let report = Task.detached {
            try await runOnNewThread { () -> ProbeReport in
                probe.append(1)
                probe.append(2)
                return try probe.report()
            }
        }
        // Open the gate once the call is queued behind the two casts.
        #expect(await ThreadInfo.eventually { probe.control.mailboxDepth == 3 })
        gate.signal()
        let seen = try await report.value
        #expect(seen.values == [1, 2])
        #expect(seen.threadName.hasPrefix("inl-busy-"))
        #expect(overlap.most.load(ordering: .relaxed) == 1)
        try await probe.control.stop()
        try await pool.shutdown()
    }

    @Test("a blocking call to a pooled service held by a suspended async method waits for it (direct and message paths)",
          .timeLimit(.minutes(15)), arguments: [false, true])
    func heldServiceIsNotCalledInline(movesValues: Bool) async throws {
        let pool = ServicePool(name: "inline-held", threads: 1)
        let ledger = try Ledger2.Service(options: .init(placement: .pool(pool)))
        let gate = AsyncGate()
        ledger.hold(gate)  // an async cast: holds the service while it waits for the gate
        while gate.waiting == 0 { try await Task.sleep(for: .milliseconds(1)) }
        let done = Atomic<Bool>(false)
        let seen = Task {
            try await runOnNewThread { () -> [String] in
                // `logTaking` moves a value in: no direct path, only the message.
                let log = movesValues ? try ledger.logTaking([]) : try ledger.log()
                done.store(true, ordering: .releasing)
                return log
            }
        }
        try await Task.sleep(for: .milliseconds(30))
        let answeredEarly = done.load(ordering: .acquiring)
        #expect(!answeredEarly)  // still waiting: the held method has not ended
        gate.open()
        #expect(try await seen.value == ["held"])  // ran after the held method, never inside it
        try await ledger.control.stop()
        try await pool.shutdown()
    }

    @Test("calls run inline never overlap a method running on a pool thread", .timeLimit(.minutes(15)))
    func inlineCallsAreNotReentrant() async throws {
        let pool = ServicePool(name: "inl-excl", threads: 2)
        let overlap = Overlap()
        let probe = try InlineProbe.Service(overlap: overlap, options: .init(placement: .pool(pool)))
        let inlineCalls = Atomic<Int>(0)
        try await runOnNewThread {
            DispatchQueue.concurrentPerform(iterations: 3) { sender in
                if sender == 0 {
                    for value in 0..<5_000 { probe.append(value) }
                } else {
                    let caller = ThreadInfo.currentID
                    for _ in 0..<2_000 where (try? probe.work(microseconds: 1)) == caller {
                        inlineCalls.add(1, ordering: .relaxed)
                    }
                }
            }
        }
        let report = try await probe.report()
        #expect(report.values == Array(0..<5_000))
        #expect(overlap.most.load(ordering: .relaxed) == 1)
        #expect(probe.control.snapshot().messagesHandled == 5_000 + 4_000 + 1)
        try await probe.control.stop()
        try await pool.shutdown()
    }

    @Test("a service called inline that calls back to its caller fails with deadlock", .timeLimit(.minutes(15)))
    func inlineCycleIsADeadlock() async throws {
        let pool = ServicePool(name: "inl-cycle", threads: 1)
        let a = try Relay.Service(label: "A", options: .init(name: "iA", placement: .pool(pool)))
        let b = try Relay.Service(label: "B", options: .init(name: "iB", placement: .pool(pool)))
        try await a.connect(to: b)
        try await b.connect(to: a)
        // No time limits: a call from a plain thread runs A here, A's call runs B here too.
        for _ in 0..<50 {
            let error = await #expect(throws: ServiceError.self) { try await runOnNewThread { try a.relay(hops: 3) } }
            #expect(error?.code == .deadlock)
            #expect(error?.cycle == ["iA", "iB", "iA"] || error?.cycle == ["iB", "iA", "iB"])
        }
        #expect(try await runOnNewThread { try a.relay(hops: 1) } == "A>B")
        try await a.connect(to: nil)
        try await b.connect(to: nil)
        try await a.control.stop()
        try await b.control.stop()
        try await pool.shutdown()
    }
}
