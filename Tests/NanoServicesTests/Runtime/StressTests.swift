import Foundation
import NanoServices
import Synchronization
import Testing

@Suite("Stress")
struct StressTests {
    @Test("8 threads × 100,000 casts, then one call sees exactly 800,000")
    func manyCasters() async throws {
        let counter = try Counter.Service(start: 0)
        let perThread = isThreadSanitized ? 10_000 : 100_000 // TSan: the same races, a tenth of the work
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await runOnNewThread {
                        for _ in 0..<perThread { counter.increment() }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await counter.current() == 8 * perThread)
    }

    @Test("per-sender FIFO holds with 4 concurrent senders")
    func perSenderOrder() async throws {
        let counter = try Counter.Service(start: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0..<4 {
                group.addTask {
                    try await runOnNewThread {
                        for index in 0..<500 { try counter.record("\(sender):\(index)") }
                    }
                }
            }
            try await group.waitForAll()
        }
        let entries = try await counter.entries()
        #expect(entries.count == 2_000)
        for sender in 0..<4 {
            let mine = entries.filter { $0.hasPrefix("\(sender):") }
            #expect(mine == (0..<500).map { "\(sender):\($0)" })
        }
    }

    @Test("stop while 4 threads send and call: no hang, every call answered or `stopped`", arguments: [StopMode.graceful, .immediate])
    func stopUnderLoad(mode: StopMode) async throws {
        let counter = try Counter.Service(start: 0)
        let tally = Tally()
        // Each worker alternates casts and calls until a call reports `stopped`, then sends
        // ten more casts, which must be dropped and counted.
        let workers = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await runOnNewThread {
                            for index in 0..<10_000_000 {
                                if index % 2 == 0 {
                                    counter.increment()
                                    continue
                                }
                                tally.calls.add(1, ordering: .relaxed)
                                do {
                                    _ = try counter.current()
                                    tally.answered.add(1, ordering: .relaxed)
                                } catch let error as ServiceError where error.code == .stopped {
                                    tally.stopped.add(1, ordering: .relaxed)
                                    for _ in 0..<10 { counter.increment() }
                                    return
                                } catch {
                                    tally.otherErrors.add(1, ordering: .relaxed)
                                    return
                                }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        while tally.answered.load(ordering: .relaxed) < 1_000 { try await Task.sleep(for: .milliseconds(1)) }
        try await counter.control.stop(mode)
        try await workers.value
        #expect(tally.answered.load(ordering: .relaxed) + tally.stopped.load(ordering: .relaxed) == tally.calls.load(ordering: .relaxed))
        #expect(tally.stopped.load(ordering: .relaxed) == 4)
        #expect(tally.otherErrors.load(ordering: .relaxed) == 0)
        #expect(counter.control.droppedCasts >= 40)
    }
}

/// Outcome counters shared by the sending threads.
private final class Tally: Sendable {
    let answered = Atomic<Int>(0)
    let stopped = Atomic<Int>(0)
    let otherErrors = Atomic<Int>(0)
    let calls = Atomic<Int>(0)
}
