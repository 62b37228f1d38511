@testable import NanoServicesRemote
import Testing

/// The bookkeeping that lets a remote call see the casts sent before it (``BarrierState``),
/// without threads or a network: every transition, and what a broken stream does to waiters.
struct CastBarrierTests {
    @Test func aCallWithNoCastSinceTheLastBarrierGoesAtOnce() {
        var state = BarrierState<String>()
        #expect(state.wait("call") == .proceed)
        state.castSent()
        #expect(state.wait("a") == .write(1))
        #expect(state.reached(1) == ["a"])
        #expect(state.wait("b") == .proceed)
    }

    @Test func callsAfterTheSameCastsShareOneBarrier() {
        var state = BarrierState<String>()
        state.castSent()
        #expect(state.wait("a") == .write(1))
        #expect(state.wait("b") == .joined)
        state.castSent()
        #expect(state.wait("c") == .write(2))
        // The host answers in order; an answer covers the barriers before it too.
        #expect(state.reached(2) == ["a", "b", "c"])
        #expect(state.reached(1).isEmpty)
    }

    /// The bug CI found: a stream that broke before it took a barrier released that barrier's
    /// call, which then ran before the casts it must see (they were still queued).
    @Test func aStreamThatBrokeBeforeTakingTheBarrierDoesNotReleaseItsCall() {
        var state = BarrierState<String>()
        state.castSent()
        #expect(state.wait("a") == .write(1))
        let broke = state.streamBroke(lastTaken: nil)
        #expect(broke.released.isEmpty)
        #expect(broke.unreachable == ["a"])
        // The cast is still not confirmed: the next call writes a new barrier.
        #expect(state.wait("b") == .write(2))
        // The first barrier, written later to the next stream, is answered to nobody.
        #expect(state.reached(1).isEmpty)
        #expect(state.reached(2) == ["b"])
        #expect(state.wait("c") == .proceed)
    }

    @Test func aStreamThatBrokeAfterTakingABarrierReleasesOnlyThatBarriersCalls() {
        var state = BarrierState<String>()
        state.castSent()
        #expect(state.wait("a") == .write(1))
        state.castSent()
        #expect(state.wait("b") == .write(2))
        let broke = state.streamBroke(lastTaken: 1)
        #expect(broke.released == ["a"])  // its casts were written: counted as lost, the call goes on
        #expect(broke.unreachable == ["b"])  // its cast is still queued
        #expect(state.wait("c") == .write(3))
    }

    @Test func aClosedStreamReleasesItsWaitersAndLetsLaterCallsGo() {
        var state = BarrierState<String>()
        state.castSent()
        #expect(state.wait("a") == .write(1))
        #expect(state.close() == ["a"])
        state.castSent()
        #expect(state.wait("b") == .proceed)
    }

    @Test func aWithdrawnWaiterIsNotResumedByTheAnswerAndOthersStillAre() {
        var state = BarrierState<String>()
        state.castSent()
        let (first, second) = (state.ticket(), state.ticket())
        #expect(state.wait("a", ticket: first) == .write(1))
        #expect(state.wait("b", ticket: second) == .joined)
        #expect(state.withdraw(first) == "a")
        #expect(state.withdraw(first) == nil)  // once only
        #expect(state.reached(1) == ["b"])
        #expect(state.withdraw(second) == nil)  // already resumed
    }

    /// A time limit or a cancellation may come before the waiter has registered.
    @Test func aTicketWithdrawnBeforeItsWaitRegistersIsRefused() {
        var state = BarrierState<String>()
        state.castSent()
        let ticket = state.ticket()
        #expect(state.withdraw(ticket) == nil)
        #expect(state.wait("a", ticket: ticket) == .withdrawn)
        // Nothing was queued for it: the next waiter writes the first barrier.
        #expect(state.wait("b") == .write(1))
    }

    @Test func aBarrierWhoseWaitersAllWithdrewIsAnsweredToNobodyAndStillCoversItsCasts() {
        var state = BarrierState<String>()
        state.castSent()
        let ticket = state.ticket()
        #expect(state.wait("a", ticket: ticket) == .write(1))
        #expect(state.withdraw(ticket) == "a")
        #expect(state.reached(1).isEmpty)
        let confirmed = state.isConfirmed
        #expect(confirmed)
        #expect(state.wait("b") == .proceed)
    }
}

extension BarrierState {
    /// A wait with a fresh ticket (most tests never withdraw one).
    fileprivate mutating func wait(_ waiter: Waiter) -> WaitAction {
        let ticket = ticket()
        return wait(waiter, ticket: ticket)
    }
}

/// The queue between casts and the stream that writes them.
struct CastQueueTests {
    @Test func abandoningAFinishedQueueCountsItsCastsNotItsBarriers() async {
        let queue = CastQueue()
        queue.push(QueuedEnvelope(bytes: [1], barrier: nil))
        queue.push(QueuedEnvelope(bytes: [2], barrier: nil))
        queue.push(QueuedEnvelope(bytes: [3], barrier: 1))
        #expect(await queue.next()?.bytes == [1])
        queue.finish()
        #expect(queue.isFinished)
        #expect(queue.abandon() == 1)
        #expect(await queue.next() == nil)
    }
}
