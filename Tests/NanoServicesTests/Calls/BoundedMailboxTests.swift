import Foundation
import NanoServices
import Synchronization
import Testing

/// What the flooding senders saw.
private final class FloodTally: Sendable {
    let sent = Atomic<Int>(0)
    let failedFull = Atomic<Int>(0)
    let maxDepth = Atomic<Int>(0)
    let sampling = Atomic<Bool>(true)
}

@Suite("Bounded mailboxes")
struct BoundedMailboxTests {
    static let capacity = 32

    @Test("a flood from 4 threads: capacity never exceeded; handled + dropped + failed == sent", arguments: [
        MailboxPolicy.WhenFull.block, .fail, .dropNewest, .dropOldest,
    ])
    func flood(whenFull: MailboxPolicy.WhenFull) async throws {
        // The service is held on a gate until its mailbox has overflowed (or, with `.block`,
        // filled up), so every policy is exercised whatever the relative speed of the threads.
        let gate = DispatchSemaphore(value: 0)
        let counters = SinkCounters()
        let sink = try Sink.Service(
            counters: counters, gate: gate,
            options: .init(name: "sink-\(whenFull)", mailbox: .bounded(capacity: Self.capacity, whenFull: whenFull)))
        let tally = FloodTally()
        let perThread = isThreadSanitized ? 500 : 3_000
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await runOnNewThread {
                    var gateOpen = false
                    while tally.sampling.load(ordering: .relaxed) {
                        let depth = sink.control.mailboxDepth
                        if depth > tally.maxDepth.load(ordering: .relaxed) { tally.maxDepth.store(depth, ordering: .relaxed) }
                        let overflowed = sink.control.droppedCasts + tally.failedFull.load(ordering: .relaxed) > 0
                        if !gateOpen && depth >= Self.capacity && (whenFull == .block || overflowed) {
                            gate.signal()
                            gateOpen = true
                        }
                        // Sample, don't spin: four of these flat out (one per policy, run in
                        // parallel) starved the senders for minutes under TSan on 2 cores.
                        usleep(10)
                    }
                    if !gateOpen { gate.signal() }
                }
            }
            try await withThrowingTaskGroup(of: Void.self) { senders in
                for _ in 0..<4 {
                    senders.addTask {
                        try await runOnNewThread {
                            for index in 0..<perThread {
                                tally.sent.add(1, ordering: .relaxed)
                                // Casts first (more than the capacity), so a sender never waits for a call
                                // while the service is still held; then every tenth message is a call.
                                guard index >= 100 && index % 10 == 0 else {
                                    sink.absorb(index)
                                    continue
                                }
                                do {
                                    try sink.absorbAndConfirm(index)
                                } catch let error as ServiceError where error.code == .mailboxFull {
                                    tally.failedFull.add(1, ordering: .relaxed)
                                }
                            }
                        }
                    }
                }
                try await senders.waitForAll()
            }
            tally.sampling.store(false, ordering: .relaxed)
            try await group.waitForAll()
        }
        try await sink.control.stop() // graceful: whatever was accepted is handled
        let handled = counters.handled.load(ordering: .relaxed)
        let failed = tally.failedFull.load(ordering: .relaxed)
        #expect(tally.maxDepth.load(ordering: .relaxed) <= Self.capacity)
        #expect(handled + sink.control.droppedCasts + failed == tally.sent.load(ordering: .relaxed))
        if whenFull == .block {
            #expect(handled == 4 * perThread)
        } else {
            #expect(sink.control.droppedCasts + failed > 0) // the flood did overflow
        }
    }

    @Test("stop is never blocked by a full mailbox; senders waiting for room are released", arguments: [
        StopMode.graceful, .immediate,
    ])
    func stopWithFullMailbox(mode: StopMode) async throws {
        let gate = DispatchSemaphore(value: 0)
        let counters = SinkCounters()
        let sink = try Sink.Service(
            counters: counters, gate: gate,
            options: .init(mailbox: .bounded(capacity: 4, whenFull: .block)))
        let tally = FloodTally()
        // Casters: each cast returns once accepted, so a caster only ever waits for room.
        let casters = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await runOnNewThread {
                            for index in 0..<50 {
                                tally.sent.add(1, ordering: .relaxed)
                                sink.absorb(index)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        // The service is stuck on its gate and its mailbox is full: the casters are blocked.
        while sink.control.mailboxDepth < 4 { try await Task.sleep(for: .milliseconds(1)) }
        // A caller blocked waiting for room, too.
        let caller = Task {
            try await runOnNewThread { () -> String in
                do {
                    try sink.absorbAndConfirm(-1)
                    return "answered"
                } catch let error as ServiceError {
                    return "\(error.code)"
                }
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        #expect(tally.sent.load(ordering: .relaxed) < 200)

        sink.control.requestStop(mode) // returns at once
        // Every sender waiting for room is released while the service is still stuck.
        try await casters.value
        #expect(try await caller.value == "stopped")
        #expect(sink.control.state == .stopping)
        gate.signal()
        try await sink.control.join()

        let handled = counters.handled.load(ordering: .relaxed)
        #expect(handled + sink.control.droppedCasts == 200)
        #expect(handled <= 4)
        if mode == .immediate { #expect(handled == 1) } // only the message already running
    }

    @Test("an async call suspends while the mailbox is full, and completes once there is room")
    func asyncCallWaitsForRoom() async throws {
        let gate = DispatchSemaphore(value: 0)
        let counters = SinkCounters()
        let sink = try Sink.Service(
            counters: counters, gate: gate,
            options: .init(mailbox: .bounded(capacity: 2, whenFull: .block)))
        sink.absorb(0) // stuck on the gate, still counted until handled
        sink.absorb(1) // the mailbox is now full
        let call = Task { try await sink.absorbAndConfirm(2) }
        try await Task.sleep(for: .milliseconds(30))
        #expect(counters.handled.load(ordering: .relaxed) == 0)
        #expect(sink.control.mailboxDepth == 2)
        gate.signal()
        try await call.value
        #expect(counters.handled.load(ordering: .relaxed) == 3)
    }

    @Test("dropOldest evicts a queued call, whose caller gets `mailboxFull` (awaited or blocking, own thread or pooled)",
          .timeLimit(.minutes(15)), arguments: [false, true], [false, true])
    func evictedCallFails(blocking: Bool, pooled: Bool) async throws {
        let pool = ServicePool(name: "evicted-call", threads: 2)
        let gate = DispatchSemaphore(value: 0)
        let counters = SinkCounters()
        let sink = try Sink.Service(
            counters: counters, gate: gate,
            options: .init(placement: pooled ? .pool(pool) : .ownThread, mailbox: .bounded(capacity: 2, whenFull: .dropOldest)))
        sink.absorb(0) // occupies the service
        while sink.control.mailboxDepth != 1 { try await Task.sleep(for: .milliseconds(1)) } // taken as a batch
        let evicted = Task { () -> ServiceError.Code? in
            do {
                if blocking { try await runOnNewThread { try sink.absorbAndConfirm(1) } } else { try await sink.absorbAndConfirm(1) }
                return nil
            } catch let error as ServiceError {
                return error.code
            }
        }
        while sink.control.mailboxDepth < 2 { try await Task.sleep(for: .milliseconds(1)) }
        sink.absorb(2) // full: evicts the oldest queued message, the call
        #expect(try await evicted.value == .mailboxFull)
        gate.signal()
        try await sink.control.stop()
        #expect(counters.handled.load(ordering: .relaxed) == 2)  // the evicted call never ran
        try await pool.shutdown()
    }
}
