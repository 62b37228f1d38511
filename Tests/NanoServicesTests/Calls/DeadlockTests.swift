import Logging
import InMemoryLogging
import Foundation
import NanoServices
import Synchronization
import Testing

@Suite("Deadlock detection")
struct DeadlockTests {
    @Test("a call to itself through a copied handle fails at once with `deadlock`")
    func selfCallThroughCopy() throws {
        let service = try SelfWaiter.Service(options: .init(callTimeout: .seconds(10)))
        let copy = service
        service.remember(copy)
        // Undetected, the call would end in `timeout` after 10 s instead.
        #expect(try service.callSelf() == "deadlock")
        service.forget()
    }

    @Test("a two-service cycle fails at once with `deadlock` naming the cycle in order")
    func twoServiceCycle() throws {
        let a = try Relay.Service(label: "A", options: .init(name: "A", callTimeout: .seconds(10)))
        let b = try Relay.Service(label: "B", options: .init(name: "B", callTimeout: .seconds(10)))
        try a.connect(to: b)
        try b.connect(to: a)
        // Undetected, the cycle would end in `timeout` after 10 s instead.
        let error = #expect(throws: ServiceError.self) { try a.relay(hops: 3) }
        #expect(error?.code == .deadlock)
        #expect(error?.cycle == ["B", "A", "B"])
        #expect(error?.message.contains("B → A → B") == true)
        // Both keep working.
        #expect(try a.ping() == "A")
        #expect(try b.ping() == "B")
        #expect(try a.relay(hops: 1) == "A>B")
        try a.connect(to: nil)
        try b.connect(to: nil)
    }

    @Test("a three-service cycle fails at once with `deadlock` naming A → B → C in order")
    func threeServiceCycle() throws {
        let a = try Relay.Service(label: "A", options: .init(name: "A", callTimeout: .seconds(10)))
        let b = try Relay.Service(label: "B", options: .init(name: "B", callTimeout: .seconds(10)))
        let c = try Relay.Service(label: "C", options: .init(name: "C", callTimeout: .seconds(10)))
        try a.connect(to: b)
        try b.connect(to: c)
        try c.connect(to: a)
        let error = #expect(throws: ServiceError.self) { try a.relay(hops: 10) }
        #expect(error?.code == .deadlock)
        #expect(error?.cycle == ["C", "A", "B", "C"])
        #expect(try a.relay(hops: 2) == "A>B>C")
        #expect(try c.ping() == "C")
        for relay in [a, b, c] { try relay.connect(to: nil) }
    }

    @Test("joining a service that is blocked calling the joiner fails with `deadlock` instead of hanging", .timeLimit(.minutes(15)))
    func joinCycle() async throws {
        let joiner = try Joiner.Service(options: .init(name: "joiner"))
        let caller = try Caller.Service(target: joiner, options: .init(name: "caller"))
        try await joiner.connect(to: caller)
        // Hold the joiner, queue `stopPeer` first, then make the caller block calling the
        // joiner: once released, the joiner joins a service that waits for the joiner.
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        joiner.hold(entered: entered, release: release)
        try await runOnNewThread { entered.wait() }
        let stopping = Task { try await joiner.stopPeer() }
        while joiner.control.snapshot().mailboxDepth < 1 { try await Task.sleep(for: .milliseconds(1)) }
        caller.callTarget()
        while joiner.control.snapshot().mailboxDepth < 2 { try await Task.sleep(for: .milliseconds(1)) }
        release.signal()

        let error = await #expect(throws: ServiceError.self) { try await stopping.value }
        #expect(error?.code == .deadlock)
        #expect(error?.cycle == ["joiner", "caller", "joiner"])
        #expect(error?.message.hasPrefix("joining service 'caller' from service 'joiner' would wait forever") == true)
        // The caller's call is then answered, and its requested stop completes.
        try await caller.control.join()
        #expect(caller.control.snapshot().state == .stopped)
        try await joiner.disconnect()
        try await joiner.control.stop()
    }

    @Test("a service casting to itself into its own full `.block` mailbox does not hang: accepted over capacity", .timeLimit(.minutes(15)))
    func castToSelfWhenFull() async throws {
        let service = try RoomTaker.Service(options: .init(mailbox: .bounded(capacity: 2, whenFull: .block)))
        try await service.remember(service)
        try await service.floodSelf(count: 20)
        #expect(try await service.received() == 20)
        try await service.remember(nil)
        try await service.control.stop()
    }

    @Test("a call that would wait for room in a service blocked on the caller throws `deadlock` instead of hanging",
          .timeLimit(.minutes(15)))
    func roomWaitCycleCall() async throws {
        let a = try RoomTaker.Service(options: .init(name: "A"))
        let b = try RoomTaker.Service(options: .init(name: "B", mailbox: .bounded(capacity: 1, whenFull: .block)))
        // A: held, then `callInto(b)` queued; B then blocks calling A (queued behind it), so
        // B's mailbox is full (its message in hand) and B waits on A.
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        a.hold(entered: entered, release: release)
        try await runOnNewThread { entered.wait() }
        let calling = Task { try await a.callInto(b) }
        while a.control.snapshot().mailboxDepth < 1 { try await Task.sleep(for: .milliseconds(1)) }
        b.callBack(a)
        while a.control.snapshot().mailboxDepth < 2 { try await Task.sleep(for: .milliseconds(1)) }
        release.signal()
        #expect(try await calling.value == "deadlock")
        #expect(try await b.ping() == "pong")  // B got its answer from A and kept working
        try await a.control.stop()
        try await b.control.stop()
    }

    @Test("waiting for room in a service that is blocked on the waiter does not hang: the casts are accepted over capacity, with a warning",
          .timeLimit(.minutes(15)))
    func roomWaitCycle() async throws {
        let logs = InMemoryLogHandler()
        let logger = Logger(label: "room-wait-cycle") { _ in logs }
        let a = try RoomTaker.Service(options: .init(logger: logger))
        let b = try RoomTaker.Service(options: .init(logger: logger, mailbox: .bounded(capacity: 1, whenFull: .block)))
        // A: held, then `flood` queued; B then blocks calling A (queued behind `flood`).
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        a.hold(entered: entered, release: release)
        try await runOnNewThread { entered.wait() }
        let flooding = Task { try await a.flood(b, count: 5) }
        while a.control.snapshot().mailboxDepth < 1 { try await Task.sleep(for: .milliseconds(1)) }
        b.callBack(a)
        while a.control.snapshot().mailboxDepth < 2 { try await Task.sleep(for: .milliseconds(1)) }
        release.signal()
        // A fills B's mailbox while B waits on A: the casts are accepted over capacity.
        try await flooding.value
        #expect(try await b.received() == 5)
        try await a.control.stop()
        try await b.control.stop()
        let overCapacity = logs.entries.filter { "\($0.message)".contains("accepted over capacity") }
        #expect(!overCapacity.isEmpty)
        #expect(overCapacity.allSatisfy { $0.level == .warning })
    }

    @Test("two services calling each other at the same moment: one call fails with `deadlock`, none hangs", .timeLimit(.minutes(15)))
    func concurrentCycleClosing() async throws {
        // A hang guard, not a measurement: an undetected cycle ends in `timeout` after 60 s.
        let a = try Relay.Service(label: "A", options: .init(name: "A", callTimeout: .seconds(60)))
        let b = try Relay.Service(label: "B", options: .init(name: "B", callTimeout: .seconds(60)))
        try await a.connect(to: b)
        try await b.connect(to: a)
        let rounds = isThreadSanitized ? 500 : 10_000
        // Each thread calls its service, which calls the other: whenever both calls are in
        // flight at once, the two services publish their wait edges concurrently.
        let outcomes = try await withThrowingTaskGroup(of: [String].self) { group in
            for (service, expected) in [(a, "A>B"), (b, "B>A")] {
                group.addTask {
                    try await runOnNewThread { () -> [String] in
                        var seen: [String] = []
                        for _ in 0..<rounds {
                            do {
                                let answer = try service.relay(hops: 1)
                                seen.append(answer == expected ? "answered" : "wrong: \(answer)")
                            } catch let error as ServiceError {
                                // The cycle as the failing service saw it, whatever the other
                                // did next: this service, the other, this service.
                                let mine = String(expected.prefix(1)), other = String(expected.suffix(1))
                                let named = error.cycle == [mine, other, mine]
                                seen.append(error.code == .deadlock && named ? "deadlock" : "\(error.code) \(error.cycle)")
                            }
                        }
                        return seen
                    }
                }
            }
            return try await group.reduce([], +)
        }
        #expect(outcomes.count == 2 * rounds)
        #expect(outcomes.allSatisfy { $0 == "answered" || $0 == "deadlock" }, "\(Set(outcomes))")
        #expect(try await a.relay(hops: 1) == "A>B")
        try await a.connect(to: nil)
        try await b.connect(to: nil)
    }

    @Test("concurrent calls through a DAG of services never report a false deadlock (1,000,000 calls)")
    func noFalseDeadlocks() async throws {
        let stages = try (0..<6).map { try Stage.Service(options: .named("stage-\($0)")) }
        // 0 → 2, 3; 1 → 2, 3; 2 → 4; 3 → 4, 5; 4 → 5: a call into stage 0 or 1 makes 8 calls.
        try await stages[0].connect(to: [stages[2], stages[3]])
        try await stages[1].connect(to: [stages[2], stages[3]])
        try await stages[2].connect(to: [stages[4]])
        try await stages[3].connect(to: [stages[4], stages[5]])
        try await stages[4].connect(to: [stages[5]])
        let totalCalls = isThreadSanitized ? 32_000 : 1_000_000
        let perThread = totalCalls / 8 / 4
        let counted = try await withThrowingTaskGroup(of: Int.self) { group in
            for thread in 0..<4 {
                group.addTask {
                    try await runOnNewThread {
                        var calls = 0
                        for index in 0..<perThread { calls += try stages[(thread + index) % 2].work() }
                        return calls
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(counted == perThread * 4 * 8)
        for stage in stages { try await stage.connect(to: []) }
    }
}
