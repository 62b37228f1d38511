@testable import NanoServices
import Testing

/// The pool's bookkeeping, driven directly: no threads, no locks. Services are `String`s,
/// parking words `Int`s.
@Suite("PoolState: transitions and thread accounting")
struct PoolStateTests {
    typealias State = PoolState<String, Int>

    /// `#expect` takes its expression apart, which needs a copyable subject and cannot call a
    /// mutating transition: such checks evaluate first, then `#expect` sees the result.
    func holds(_ condition: Bool) -> Bool { condition }

    // MARK: Admission and services

    @Test("the first service starts the pool's first thread; later ones do not; after shutdown none is admitted")
    func admission() {
        var state = State(threadCount: 2)
        #expect(holds(state.admit() == .admittedStartingThread))
        #expect(holds(state.admit() == .admitted))
        #expect(state.threads == 1 && state.liveServices == 2)
        _ = state.beginShutdown()
        #expect(holds(state.admit() == .refused))
        #expect(state.liveServices == 2)
    }

    @Test("a first thread the system refuses undoes the admission")
    func admissionFailed() {
        var state = State(threadCount: 2)
        #expect(holds(state.admit() == .admittedStartingThread))
        state.admissionFailed()
        #expect(state.threads == 0 && state.liveServices == 0)
        #expect(holds(state.admit() == .admittedStartingThread))             // the next one tries again
    }

    @Test("shutdown drains when the last service ends, or at once when there is none; a second call is not the first")
    func shutdownDrains() {
        var state = State(threadCount: 1)
        _ = state.admit()
        _ = state.admit()
        #expect(holds(!state.serviceEnded()))                          // not shutting down
        let begun = state.beginShutdown()
        #expect(begun.first && !begun.drainedNow)
        #expect(holds(state.serviceEnded()))                           // the last one
        let again = state.beginShutdown()
        #expect(!again.first && !again.drainedNow)

        var empty = State(threadCount: 1)
        let immediately = empty.beginShutdown()
        #expect(immediately.first && immediately.drainedNow)
    }

    // MARK: Scheduling

    @Test("queued work starts threads up to the thread count, then waits for a free one")
    func startsUpToThreadCount() {
        var state = State(threadCount: 2)
        _ = state.admit()                                       // thread 1
        #expect(holds(state.schedule("a") == .new))                    // thread 2
        #expect(holds(state.schedule("b") == .none))                   // both busy
        #expect(state.threads == 2 && state.queue.count == 2)
    }

    @Test("a spinning thread takes queued work: nobody is woken; otherwise the most recently parked thread is")
    func spinningThenParked() {
        var state = State(threadCount: 2)
        _ = state.admit()
        #expect(holds(state.schedule("a") == .new))
        guard case .run("a", let emptied) = state.nextStep(spins: true, parking: 1) else {
            Issue.record("the queued service was not run")
            return
        }
        #expect(emptied)
        guard case .spin = state.nextStep(spins: true, parking: 1) else {
            Issue.record("an idle thread of a spinning pool did not spin")
            return
        }
        #expect(holds(state.schedule("b") == .none))                   // the spinner will see it
        #expect(holds(state.spinEnded(parking: 1)))                    // and looks again
        guard case .run("b", _) = state.nextStep(spins: true, parking: 1) else {
            Issue.record("the spinner did not take the work")
            return
        }
        guard case .park = state.nextStep(spins: false, parking: 1),
              case .park = state.nextStep(spins: false, parking: 2) else {
            Issue.record("idle threads of a non-spinning pool did not park")
            return
        }
        #expect(state.parked == [1, 2])
        #expect(holds(state.schedule("c") == .parked(2)))
        #expect(holds(state.schedule("d") == .parked(1)))
        #expect(holds(state.schedule("e") == .none))                   // both threads woken already
    }

    @Test("a spin that ends with nothing queued parks the thread")
    func spinEndsInPark() {
        var state = State(threadCount: 1)
        _ = state.admit()
        guard case .spin = state.nextStep(spins: true, parking: 7) else {
            Issue.record("did not spin")
            return
        }
        #expect(state.spinning == 1)
        #expect(holds(!state.spinEnded(parking: 7)))
        #expect(state.spinning == 0 && state.parked == [7])
    }

    @Test("a requeued service wakes a thread only when others are waiting too")
    func requeue() {
        var state = State(threadCount: 2)
        _ = state.admit()
        #expect(holds(state.requeue("a") == .none))                    // the requeuing thread takes it
        #expect(holds(state.requeue("b") == .new))                     // "a" waits: bring a thread in
        #expect(state.queue.count == 2)
    }

    // MARK: Blocking

    @Test("a blocked thread is counted out: waiting work gets another thread, beyond the thread count")
    func blockedThreadIsCompensated() {
        var state = State(threadCount: 1)
        _ = state.admit()                                       // 1 thread, running
        #expect(holds(state.willBlock(handingOver: nil) == .none))     // nothing waits
        #expect(state.blocked == 1)
        #expect(holds(state.schedule("a") == .new))                    // 2 threads, 1 blocked
        #expect(state.threads == 2)
        #expect(holds(state.schedule("b") == .none))                   // 1 unblocked and busy
    }

    @Test("a thread about to block hands its run-next service to the queue and brings a thread for it")
    func blockingHandsOverRunNext() {
        var state = State(threadCount: 1)
        _ = state.admit()
        #expect(holds(state.willBlock(handingOver: "next") == .new))
        #expect(state.queue.count == 1 && state.threads == 2)
    }

    @Test("when the blocked thread runs again, the extra thread ends at its next look for work, not before")
    func extraThreadEnds() {
        var state = State(threadCount: 1)
        _ = state.admit()
        _ = state.willBlock(handingOver: nil)
        #expect(holds(state.schedule("a") == .new))
        guard case .run("a", _) = state.nextStep(spins: false, parking: 2) else {
            Issue.record("the extra thread did not run the waiting service")
            return
        }
        state.didUnblock()
        #expect(state.blocked == 0)
        guard case .exit(let last) = state.nextStep(spins: true, parking: 2) else {
            Issue.record("the extra thread did not end")
            return
        }
        #expect(!last && state.threads == 1)
        guard case .spin = state.nextStep(spins: true, parking: 1) else {
            Issue.record("the remaining thread ended too")
            return
        }
    }

    @Test("each blocked wait counts once: blocked never exceeds alive threads")
    func blockedCountsOnce() {
        var state = State(threadCount: 2)
        _ = state.admit()
        _ = state.schedule("a")                                 // 2 threads
        guard case .run("a", _) = state.nextStep(spins: false, parking: 2) else {
            Issue.record("setup: the second thread did not take the service")
            return
        }
        #expect(holds(state.willBlock(handingOver: nil) == .none))  // nothing waits
        #expect(holds(state.willBlock(handingOver: nil) == .none))
        #expect(state.threads == 2 && state.blocked == 2)
        state.didUnblock()
        state.didUnblock()
        #expect(state.threads == 2 && state.blocked == 0)
    }

    @Test("a thread the system refuses to start is not counted")
    func threadFailedToStart() {
        var state = State(threadCount: 2)
        _ = state.admit()
        #expect(holds(state.schedule("a") == .new))
        state.threadFailedToStart()
        #expect(state.threads == 1)
        #expect(holds(state.schedule("b") == .new))                    // tried again for new work
    }

    // MARK: Ending threads

    @Test("after shutdown, threads finish the queue, then end; the last one says so; parked ones are woken")
    func threadsEnd() {
        var state = State(threadCount: 2)
        _ = state.admit()
        _ = state.schedule("a")                                 // 2 threads
        guard case .run("a", _) = state.nextStep(spins: false, parking: 1),
              case .park = state.nextStep(spins: false, parking: 1) else {
            Issue.record("setup: thread 1 did not run then park")
            return
        }
        _ = state.beginShutdown()
        _ = state.serviceEnded()
        let ending = state.endThreads()
        #expect(ending.wake == [1] && !ending.noThreads && state.parked.isEmpty)
        _ = state.schedule("late")                              // queued work still runs first
        guard case .run("late", _) = state.nextStep(spins: true, parking: 1),
              case .exit(let firstLast) = state.nextStep(spins: true, parking: 1),
              case .exit(let secondLast) = state.nextStep(spins: true, parking: 2) else {
            Issue.record("threads did not end after the queue emptied")
            return
        }
        #expect(!firstLast && secondLast && state.threads == 0)
    }

    @Test("a spinning thread of an exiting pool looks again instead of parking")
    func spinnerSeesExit() {
        var state = State(threadCount: 1)
        _ = state.admit()
        guard case .spin = state.nextStep(spins: true, parking: 1) else {
            Issue.record("did not spin")
            return
        }
        _ = state.beginShutdown()
        let ending = state.endThreads()
        #expect(ending.wake.isEmpty && !ending.noThreads)
        #expect(holds(state.spinEnded(parking: 1)))
        guard case .exit(true) = state.nextStep(spins: true, parking: 1) else {
            Issue.record("the last thread did not end")
            return
        }
    }

    @Test("a pool with no thread ends at once")
    func noThreads() {
        var state = State(threadCount: 1)
        _ = state.beginShutdown()
        #expect(holds(state.endThreads().noThreads))
    }
}

