@testable import NanoServices
import Testing

/// The mailbox's bookkeeping, driven directly: no threads, no locks, every transition and the
/// action it asks for. Messages and jobs are plain `Int`s.
@Suite("MailboxState: transitions")
struct MailboxStateTests {
    typealias State = MailboxState<Int, Int>

    /// `#expect` takes its expression apart, which needs a copyable subject and cannot call a
    /// mutating transition: such checks evaluate first, then `#expect` sees the result.
    func holds(_ condition: Bool) -> Bool { condition }

    /// A parking word to stand for a thread waiting for room (never parked on here).
    final class Word {
        let pointer = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
        init() { pointer.initialize(to: 0) }
        deinit { pointer.deallocate() }
        var waiter: RoomWaiter { .thread(pointer) }
        func isWaiter(_ waiter: RoomWaiter) -> Bool {
            if case .thread(let word) = waiter { return word == pointer }
            return false
        }
    }

    /// The message an outcome carries, and its kind.
    func describe(_ outcome: consuming State.SendOutcome) -> String {
        switch outcome {
        case .accepted: "accepted"
        case .acceptedEvicting(let message): "evicted \(message)"
        case .closed(let message): "closed \(message)"
        case .full(let message): "full \(message)"
        }
    }

    func send(_ message: Int, to state: inout State, waiter: RoomWaiter? = nil, overCapacity: Bool = false) -> (String, Bool) {
        let (outcome, wake) = state.send(message, ifFull: waiter, overCapacity: overCapacity)
        return (describe(outcome), wake)
    }

    /// Takes everything the consumer may take; returns the messages and jobs taken.
    func take(
        from state: inout State, takeMessages: Bool = true, knownClose: StopMode? = nil,
        mayFinish: Bool = true, stillHeld: Int = 0
    ) -> (messages: [Int], jobs: [Int], look: State.Take) {
        var batch = MessageBuffer<Int>()
        var jobs = ContiguousArray<Int>()
        let look = state.take(into: &batch, jobs: &jobs, takeMessages: takeMessages,
                              knownClose: knownClose, mayFinish: mayFinish, stillHeld: stillHeld)
        var messages: [Int] = []
        batch.drain { messages.append($0); return true }
        return (messages, Array(jobs), look)
    }

    // MARK: Sending and waking

    @Test("an unbounded mailbox accepts in order and asks for one wake per parking")
    func oneWakePerParking() {
        var state = State()
        #expect(send(1, to: &state) == ("accepted", false))   // the consumer is running
        state.parkConsumer()
        #expect(send(2, to: &state) == ("accepted", true))    // this sender wakes it
        #expect(send(3, to: &state) == ("accepted", false))   // already woken
        let (messages, jobs, look) = take(from: &state)
        #expect(holds(messages == [1, 2, 3] && jobs.isEmpty))
        #expect(look.tookMessages && look.drained && look.nothingQueued && !look.finished)
        #expect(look.mustReturn(knownClose: nil))
    }

    @Test("a closed mailbox gives the message back and wakes nobody")
    func closedRefuses() {
        var state = State()
        state.parkConsumer()
        _ = state.close(.graceful, claimingIfIdle: false)
        #expect(send(7, to: &state) == ("closed 7", false))
        #expect(holds(state.depth == 0))
    }

    @Test("full, with .fail and .dropNewest: the new message is refused, nothing is registered", arguments: [MailboxPolicy.WhenFull.fail, .dropNewest])
    func fullRefusesNewest(policy: MailboxPolicy.WhenFull) {
        var state = State(capacity: 2, whenFull: policy)
        let word = Word()
        #expect(send(1, to: &state).0 == "accepted")
        #expect(send(2, to: &state).0 == "accepted")
        #expect(send(3, to: &state, waiter: word.waiter) == ("full 3", false))
        #expect(holds(state.roomWaiters.isEmpty && state.depth == 2))
    }

    @Test("full, with .block: the waiter is registered; without one nothing is; over capacity is accepted")
    func fullBlockRegistersWaiter() {
        var state = State(capacity: 1, whenFull: .block)
        let word = Word()
        #expect(send(1, to: &state).0 == "accepted")
        #expect(send(2, to: &state).0 == "full 2")
        #expect(holds(state.roomWaiters.isEmpty))
        #expect(send(3, to: &state, waiter: word.waiter).0 == "full 3")
        #expect(holds(state.roomWaiters.count == 1 && word.isWaiter(state.roomWaiters[0])))
        #expect(send(4, to: &state, overCapacity: true).0 == "accepted")
        #expect(holds(state.depth == 2))
    }

    @Test("full, with .dropOldest: the oldest queued message is evicted; with none queued the new one is refused")
    func dropOldestEvicts() {
        var state = State(capacity: 2, whenFull: .dropOldest)
        _ = send(1, to: &state)
        _ = send(2, to: &state)
        #expect(send(3, to: &state).0 == "evicted 1")
        let taken = take(from: &state)
        #expect(taken.messages == [2, 3])
        #expect(holds(state.inBatch == 2))                           // the batch in hand still counts
        #expect(send(4, to: &state).0 == "full 4")            // nothing queued to evict
    }

    @Test("a bounded mailbox counts the batch in hand until it is acknowledged, then wakes every room waiter")
    func acknowledgeFreesRoom() {
        var state = State(capacity: 2, whenFull: .block)
        let (first, second) = (Word(), Word())
        _ = send(1, to: &state)
        _ = send(2, to: &state)
        _ = take(from: &state)
        #expect(holds(state.depth == 2))
        #expect(send(3, to: &state, waiter: first.waiter).0 == "full 3")
        #expect(send(3, to: &state, waiter: second.waiter).0 == "full 3")
        let woken = state.acknowledgeBatch(stillHeld: 1)      // one message still being handled
        #expect(woken.count == 2 && first.isWaiter(woken[0]) && second.isWaiter(woken[1]))
        #expect(holds(state.roomWaiters.isEmpty && state.depth == 1))
        #expect(send(3, to: &state).0 == "accepted")
        #expect(send(4, to: &state).0 == "full 4")
        let next = take(from: &state, stillHeld: 1)
        #expect(holds(next.messages == [3] && state.inBatch == 2))
    }

    @Test("a room waiter that gave up is withdrawn once; a second withdrawal finds nothing")
    func withdrawWaiter() {
        var state = State(capacity: 1, whenFull: .block)
        let (first, second) = (Word(), Word())
        _ = send(1, to: &state)
        _ = send(2, to: &state, waiter: first.waiter)
        _ = send(2, to: &state, waiter: second.waiter)
        #expect(holds(state.withdrawRoomWaiter(where: first.isWaiter)))
        #expect(holds(!state.withdrawRoomWaiter(where: first.isWaiter)))
        #expect(holds(state.roomWaiters.count == 1 && second.isWaiter(state.roomWaiters[0])))
    }

    // MARK: Consuming

    @Test("jobs are always taken; messages only when allowed, or once stopped immediately")
    func takeRespectsHolding() {
        var state = State()
        _ = send(1, to: &state)
        #expect(holds(state.sendJob(10) == false))                   // the consumer is running
        let held = take(from: &state, takeMessages: false)    // an async method holds the service
        #expect(held.jobs == [10] && held.messages.isEmpty)
        #expect(!held.look.drained && !held.look.nothingQueued && held.look.tookWork)
        let nothing = take(from: &state, takeMessages: false)
        #expect(!nothing.look.tookWork && !nothing.look.mustReturn(knownClose: nil))
        _ = state.close(.immediate, claimingIfIdle: false)
        let stopping = take(from: &state, takeMessages: false)  // to reject them
        #expect(stopping.messages == [1] && stopping.look.closed == .immediate)
    }

    @Test("a new stop mode makes the consumer return even with nothing to take")
    func newStopModeReturns() {
        var state = State()
        _ = send(1, to: &state)
        _ = state.close(.graceful, claimingIfIdle: false)
        let look = take(from: &state, takeMessages: false, knownClose: nil, mayFinish: false).look
        #expect(!look.tookWork && look.closed == .graceful && look.mustReturn(knownClose: nil))
        #expect(!take(from: &state, takeMessages: false, knownClose: .graceful, mayFinish: false).look.mustReturn(knownClose: .graceful))
    }

    @Test("the consumer finishes only when stopped, drained, allowed to, and it took nothing; then jobs are refused")
    func finishing() {
        var state = State()
        _ = send(1, to: &state)
        _ = state.close(.graceful, claimingIfIdle: false)
        #expect(holds(state.sendJob(5) == false))                    // accepted after the stop
        let drain = take(from: &state)
        #expect(drain.messages == [1] && drain.jobs == [5] && !drain.look.finished)
        #expect(!take(from: &state, knownClose: .graceful, mayFinish: false).look.finished)
        let end = take(from: &state, knownClose: .graceful)
        #expect(end.look.finished && end.look.mustReturn(knownClose: .graceful))
        #expect(holds(state.sendJob(6) == nil))
        #expect(holds(state.jobs.isEmpty))
    }

    @Test("a job for a parked consumer takes its run slot")
    func jobWakesParkedConsumer() {
        var state = State()
        state.parkConsumer()
        #expect(holds(state.sendJob(1) == true))
        #expect(holds(state.sendJob(2) == false))
    }

    @Test("take moves the queued messages for a restart and leaves the rest")
    func takeQueuedForRestart() {
        var state = State(capacity: 4, whenFull: .fail)
        _ = send(1, to: &state)
        _ = send(2, to: &state)
        var batch = MessageBuffer<Int>()
        state.takeQueued(into: &batch)
        var dropped: [Int] = []
        batch.drain { dropped.append($0); return true }
        #expect(holds(dropped == [1, 2] && state.pending.isEmpty))
    }

    // MARK: Closing

    @Test("stop modes: the first close and graceful→immediate change; every other repeat does not")
    func stopModes() {
        var state = State()
        #expect(holds(state.close(.graceful, claimingIfIdle: false).changed))
        #expect(holds(!state.close(.graceful, claimingIfIdle: false).changed))
        #expect(holds(state.close(.immediate, claimingIfIdle: false).changed))
        #expect(holds(!state.close(.immediate, claimingIfIdle: false).changed))
        #expect(holds(!state.close(.graceful, claimingIfIdle: false).changed))
        #expect(holds(state.closed == .immediate))
        var direct = State()
        #expect(holds(direct.close(.immediate, claimingIfIdle: false).changed && direct.closed == .immediate))
    }

    @Test("close wakes a parked consumer once and hands every room waiter back")
    func closeWakes() {
        var state = State(capacity: 1, whenFull: .block)
        let word = Word()
        _ = send(1, to: &state)
        _ = send(2, to: &state, waiter: word.waiter)
        state.parkConsumer()
        let first = state.close(.graceful, claimingIfIdle: false)
        #expect(first.wakeConsumer && !first.claimed)
        #expect(first.roomWaiters.count == 1 && word.isWaiter(first.roomWaiters[0]))
        #expect(holds(state.roomWaiters.isEmpty))
        let upgrade = state.close(.immediate, claimingIfIdle: false)
        #expect(upgrade.changed && !upgrade.wakeConsumer)      // already woken
    }

    @Test("close claiming: an idle parked consumer's run slot goes to the caller; with work queued the consumer is woken")
    func closeClaims() {
        var idle = State()
        idle.parkConsumer()
        let claimed = idle.close(.graceful, claimingIfIdle: true)
        #expect(holds(claimed.claimed && !claimed.wakeConsumer && !idle.consumerParked))

        var busy = State()
        _ = send(1, to: &busy)
        busy.parkConsumer()
        let woken = busy.close(.graceful, claimingIfIdle: true)
        #expect(!woken.claimed && woken.wakeConsumer)

        var running = State()                                  // not parked: nothing to claim
        let unclaimed = running.close(.graceful, claimingIfIdle: true)
        #expect(unclaimed.changed && !unclaimed.claimed && !unclaimed.wakeConsumer)
    }

    // MARK: Run slot

    @Test("a caller claims only an idle, parked, open mailbox; giving it back parks the consumer again")
    func claimAndRelease() {
        var state = State()
        #expect(holds(!state.claimIfIdle()))                          // running
        state.parkConsumer()
        #expect(holds(state.claimIfIdle()))
        #expect(holds(!state.claimIfIdle()))                          // claimed once only
        #expect(send(1, to: &state) == ("accepted", false))    // a sender meanwhile only appends
        #expect(holds(state.releaseClaim()))                          // work arrived: caller schedules
        #expect(holds(!state.consumerParked))
        _ = take(from: &state)
        state.parkConsumer()
        #expect(holds(state.claimIfIdle()))
        #expect(holds(!state.releaseClaim() && state.consumerParked))
        #expect(send(2, to: &state).1)                         // the next sender wakes it
    }

    @Test("a caller cannot claim a parked consumer with work or a stop pending")
    func claimRefused() {
        var queued = State()
        _ = send(1, to: &queued)
        queued.parkConsumer()
        #expect(holds(!queued.claimIfIdle()))
        var jobs = State()
        _ = jobs.sendJob(1)
        jobs.parkConsumer()
        #expect(holds(!jobs.claimIfIdle()))
        var stopped = State()
        stopped.parkConsumer()
        _ = stopped.close(.graceful, claimingIfIdle: true)
        stopped.parkConsumer()
        #expect(holds(!stopped.claimIfIdle()))
        var claimedThenStopped = State()
        claimedThenStopped.parkConsumer()
        #expect(holds(claimedThenStopped.claimIfIdle()))
        _ = claimedThenStopped.close(.graceful, claimingIfIdle: false)
        #expect(holds(claimedThenStopped.releaseClaim()))             // the stop is work
    }
}
