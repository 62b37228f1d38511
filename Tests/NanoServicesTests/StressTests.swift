import Foundation
import NanoServices
import Synchronization
import Testing

@Suite("Stress")
struct StressTests {
    @Test("8 threads × 100,000 casts, then one call sees exactly 800,000")
    func manyCasters() async throws {
        let counter = try Counter.Service(start: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await runOnNewThread {
                        for _ in 0..<100_000 { counter.increment() }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await counter.current() == 800_000)
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
        let workers = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await runOnNewThread {
                            for index in 0..<20_000 {
                                if index % 2 == 0 {
                                    counter.increment()
                                    tally.casts.add(1, ordering: .relaxed)
                                    continue
                                }
                                do {
                                    _ = try counter.current()
                                    tally.answered.add(1, ordering: .relaxed)
                                } catch let error as ServiceError where error.code == .stopped {
                                    tally.stopped.add(1, ordering: .relaxed)
                                } catch {
                                    tally.otherErrors.add(1, ordering: .relaxed)
                                }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        while tally.answered.load(ordering: .relaxed) < 1_000 { await Task.yield() }
        try await counter.stop(mode)
        try await workers.value
        #expect(tally.answered.load(ordering: .relaxed) + tally.stopped.load(ordering: .relaxed) == 40_000)
        #expect(tally.stopped.load(ordering: .relaxed) > 0)
        #expect(tally.otherErrors.load(ordering: .relaxed) == 0)
        #expect(counter.droppedCasts > 0)
        #expect(counter.droppedCasts <= tally.casts.load(ordering: .relaxed))
    }
}

/// Outcome counters shared by the sending threads.
private final class Tally: Sendable {
    let answered = Atomic<Int>(0)
    let stopped = Atomic<Int>(0)
    let otherErrors = Atomic<Int>(0)
    let casts = Atomic<Int>(0)
}
