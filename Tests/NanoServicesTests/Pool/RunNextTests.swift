import Foundation
import NanoServices
import Testing

@Suite("The run-next slot of pool threads")
struct RunNextTests {
    @Test("a pair of services casting to each other on a 1-thread pool does not starve a third",
          .timeLimit(.minutes(15)))
    func pingPongDoesNotStarve() async throws {
        let pool = ServicePool(name: "rn-fair", threads: 1)
        let state = BounceState()
        let a = try Bouncer.Service(state: state, options: .init(placement: .pool(pool)))
        let b = try Bouncer.Service(state: state, options: .init(placement: .pool(pool)))
        try await a.connect(to: b)
        try await b.connect(to: a)
        let third = try InlineProbe.Service(overlap: Overlap(), options: .init(placement: .pool(pool)))
        a.bounce()  // from now on the pair always has a cast in flight
        #expect(await ThreadInfo.eventually { state.hops.load(ordering: .relaxed) > 100 })
        // The pool's only thread keeps handing the ball from one to the other through its
        // run-next slot; the bound sends the pair to the back of the queue every few hops.
        let ran = DispatchSemaphore(value: 0)
        let open = DispatchSemaphore(value: 0)
        open.signal()  // (not `value: 1`: a semaphore freed below its initial value traps)
        third.hold(until: open, entered: ran)
        let outcome = await Task.detached { ran.wait(timeout: .now() + .seconds(120)) }.value
        #expect(outcome == .success)
        state.stopped.store(true, ordering: .relaxed)
        try await a.connect(to: nil)
        try await b.connect(to: nil)
        try await pool.shutdown()
    }

    @Test("a service in the run-next slot of a thread that blocks in a call runs on another thread",
          .timeLimit(.minutes(15)))
    func blockingHandsTheSlotOver() async throws {
        let pool = ServicePool(name: "rn-block", threads: 1)
        let sender = try InlineProbe.Service(overlap: Overlap(), options: .init(placement: .pool(pool)))
        let next = try InlineProbe.Service(overlap: Overlap(), options: .init(placement: .pool(pool)))
        let asker = try InlineProbe.Service(overlap: Overlap())  // a thread of its own
        // `sender` (on the pool's only thread) makes `next` ready, then blocks in a call that
        // needs `next` to run: the slot must be handed to the queue and a thread lent for it.
        for round in 0..<20 {
            let report = try await sender.append(round, to: next, thenAskVia: asker)
            #expect(report.values == Array(0...round))
        }
        try await pool.shutdown()
        try await asker.control.stop()
    }
}
