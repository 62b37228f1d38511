@testable import NanoServices
import Foundation
import Synchronization
import Testing

/// The wait-for edge each service keeps for deadlock detection (`WaitEdge`): what a reader
/// sees, and that a reader racing the owner only ever sees the owner's target or nothing.
@Suite("WaitEdge")
struct WaitEdgeTests {
    private func context(_ name: String) -> _ServiceContext { .bare(named: name) }

    @Test("a new edge is not published; publish shows the target; clear hides it")
    func publishAndClear() {
        let (owner, target) = (context("owner"), context("target"))
        let before = owner.waitEdge.isPublished
        #expect(!before)
        #expect(owner.blockedOn() == nil)
        owner.waitEdge.publish(target)
        let published = owner.waitEdge.isPublished
        #expect(published)
        #expect(owner.blockedOn() === target)
        owner.waitEdge.clear()
        let cleared = !owner.waitEdge.isPublished
        #expect(cleared)
        #expect(owner.blockedOn() == nil)
    }

    /// Two tasks of an `async` method that holds its service may wait at once: the second
    /// edge replaces the first (publishing over a published edge must not spin forever).
    @Test("publishing over a published edge replaces its target")
    func publishTwice() {
        let (owner, first, second) = (context("owner"), context("first"), context("second"))
        owner.waitEdge.publish(first)
        owner.waitEdge.publish(second)
        #expect(owner.blockedOn() === second)
        owner.waitEdge.clear()
        owner.waitEdge.clear()
        #expect(owner.blockedOn() == nil)
    }

    @Test("readers racing the owner see its target or nothing, and nothing after the last clear")
    func readersRaceTheOwner() {
        let (owner, target) = (context("owner"), context("target"))
        let seen = Sightings()
        let finished = DispatchSemaphore(value: 0)
        // Plain threads: two spinning readers would hold both cooperative threads here.
        for _ in 0..<2 {
            Thread.detachNewThread {
                while !seen.done.load(ordering: .acquiring) {
                    let found = owner.blockedOn()
                    if found == nil {
                        seen.nothing.add(1, ordering: .relaxed)
                    } else if found === target {
                        seen.target.add(1, ordering: .relaxed)
                    } else {
                        seen.other.add(1, ordering: .relaxed)
                    }
                }
                finished.signal()
            }
        }
        for _ in 0..<20_000 {
            owner.waitEdge.publish(target)
            owner.waitEdge.clear()
        }
        seen.done.store(true, ordering: .releasing)
        finished.wait()
        finished.wait()
        #expect(seen.other.load(ordering: .relaxed) == 0)
        #expect(owner.blockedOn() == nil)
    }
}

/// What the reader threads of `readersRaceTheOwner` saw (atomics in a class: the threads share it).
private final class Sightings: Sendable {
    let done = Atomic<Bool>(false)
    let target = Atomic<Int>(0)
    let nothing = Atomic<Int>(0)
    let other = Atomic<Int>(0)
}
