import Foundation
import NanoServices
import Synchronization
import Testing

@Suite("Publish/subscribe")
struct TopicTests {
    /// Spawns `count` listeners named `prefix-N`, each subscribed to `topic`.
    private func subscribeListeners(
        _ count: Int, prefix: String, to topic: Topic<Tick>, probes: [ListenerProbe]? = nil
    ) throws -> [(handle: Listener.Service, token: SubscriptionToken)] {
        try (0..<count).map { index in
            let name = "\(prefix)-\(index)"
            let listener = try Listener.Service(expectedName: name, probe: probes?[index], options: .named(name))
            return (listener, topic.subscribe(listener) { $0.receive($1) })
        }
    }

    @Test("1 publisher × 100,000 events × 10 subscriber services: every event once, in order, on each subscriber's thread")
    func oneToMany() async throws {
        let topic = Topic<Tick>()
        let listeners = try subscribeListeners(10, prefix: "fan", to: topic)
        #expect(topic.subscriberCount == 10)
        let events = isThreadSanitized ? 10_000 : 100_000 // TSan: the same races, a tenth of the work
        try await runOnNewThread {
            for sequence in 0..<events { topic.publish(Tick(publisher: 0, sequence: sequence)) }
        }
        // Every cast is enqueued once `publish` has returned: a call now is answered after them.
        for listener in listeners {
            let tally = try await listener.handle.currentTally()
            #expect(tally.received == events)
            #expect(tally.outOfOrder == 0)
            #expect(tally.wrongThread == 0)
            #expect(tally.lastSequence[0] == events - 1)
        }
    }

    @Test("4 concurrent publishers: per-publisher order holds at every subscriber, totals exact")
    func manyToMany() async throws {
        let topic = Topic<Tick>()
        let listeners = try subscribeListeners(10, prefix: "mesh", to: topic)
        let perPublisher = isThreadSanitized ? 2_500 : 25_000
        try await withThrowingTaskGroup(of: Void.self) { group in
            for publisher in 0..<4 {
                group.addTask {
                    try await runOnNewThread {
                        for sequence in 0..<perPublisher { topic.publish(Tick(publisher: publisher, sequence: sequence)) }
                    }
                }
            }
            try await group.waitForAll()
        }
        for listener in listeners {
            let tally = try await listener.handle.currentTally()
            #expect(tally.received == 4 * perPublisher)
            #expect(tally.outOfOrder == 0)
            #expect(tally.wrongThread == 0)
            #expect(Array(tally.lastSequence[0..<4]) == Array(repeating: perPublisher - 1, count: 4))
        }
    }

    @Test("a subscriber stopped mid-stream: publishing goes on, the subscriber is dropped, the others get everything")
    func subscriberStoppedMidStream() async throws {
        let topic = Topic<Tick>()
        let probes = (0..<3).map { _ in ListenerProbe() }
        let listeners = try subscribeListeners(3, prefix: "midstream", to: topic, probes: probes)
        let stopped = listeners[1]
        try await runOnNewThread {
            for sequence in 0..<20_000 {
                if sequence == 10_000 { try stopped.handle.control.stop() }   // graceful: drains the first 10,000
                topic.publish(Tick(publisher: 0, sequence: sequence))
            }
        }
        #expect(topic.subscriberCount == 2)
        #expect(!stopped.token.isActive)
        #expect(stopped.handle.control.state == .stopped)
        #expect(stopped.handle.control.droppedCasts == 0) // skipped, not sent and dropped
        let stoppedTally = try #require(probes[1].final.withLock { $0 })
        #expect(stoppedTally.received == 10_000)
        #expect(stoppedTally.outOfOrder == 0)
        for index in [0, 2] {
            let tally = try await listeners[index].handle.currentTally()
            #expect(tally.received == 20_000)
            #expect(tally.outOfOrder == 0)
        }
    }

    @Test("subscribers stopped by another thread while 2 publishers publish: no crash, no hang, the rest get everything")
    func stopRacingPublishers() async throws {
        let topic = Topic<Tick>()
        let listeners = try subscribeListeners(4, prefix: "race", to: topic)
        let perPublisher = isThreadSanitized ? 5_000 : 50_000
        try await withThrowingTaskGroup(of: Void.self) { group in
            for publisher in 0..<2 {
                group.addTask {
                    try await runOnNewThread {
                        for sequence in 0..<perPublisher { topic.publish(Tick(publisher: publisher, sequence: sequence)) }
                    }
                }
            }
            group.addTask {
                try await runOnNewThread {
                    try listeners[0].handle.control.stop()
                    listeners[1].handle.control.requestStop(.immediate)
                }
            }
            try await group.waitForAll()
        }
        try await listeners[1].handle.control.join()
        #expect(topic.subscriberCount == 2)
        #expect(!listeners[0].token.isActive && !listeners[1].token.isActive)
        for listener in listeners[2...] {
            let tally = try await listener.handle.currentTally()
            #expect(tally.received == 2 * perPublisher)
            #expect(tally.outOfOrder == 0)
        }
    }

    @Test("a subscriber stopped from elsewhere is removed by subscriberCount, without a publish")
    func stoppedSubscriberCountedOut() async throws {
        let topic = Topic<Tick>()
        let listeners = try subscribeListeners(2, prefix: "count", to: topic)
        #expect(topic.subscriberCount == 2)
        try await listeners[0].handle.control.stop()
        #expect(topic.subscriberCount == 1)
        #expect(!listeners[0].token.isActive)
        #expect(listeners[1].token.isActive)
    }

    @Test("an unsubscribed subscriber receives nothing more", arguments: [true, false])
    func unsubscribe(viaTopic: Bool) async throws {
        let topic = Topic<Tick>()
        let listeners = try subscribeListeners(2, prefix: "unsub", to: topic)
        for sequence in 0..<100 { topic.publish(Tick(publisher: 0, sequence: sequence)) }
        if viaTopic {
            topic.unsubscribe(listeners[0].token)
        } else {
            listeners[0].token.cancel()
        }
        listeners[0].token.cancel() // idempotent
        #expect(!listeners[0].token.isActive)
        #expect(topic.subscriberCount == 1)
        for sequence in 100..<200 { topic.publish(Tick(publisher: 0, sequence: sequence)) }
        #expect(try await listeners[0].handle.currentTally().received == 100)
        #expect(try await listeners[1].handle.currentTally().received == 200)
        #expect(listeners[0].handle.control.state == .running) // unsubscribing does not stop the service
    }

    @Test("a closure subscriber runs on the publisher's thread, once per event, until cancelled")
    func closureSubscriber() async throws {
        let topic = Topic<Int>()
        final class Seen: Sendable {
            let state = Protected<(values: [Int], threads: Set<UInt>)>(([], []))
        }
        let seen = Seen()
        let token = topic.subscribe { value in
            seen.state.withLock {
                $0.values.append(value)
                $0.threads.insert(ThreadInfo.currentID)
            }
        }
        let publisherThread = try await runOnNewThread {
            for value in 0..<1_000 { topic.publish(value) }
            token.cancel()
            topic.publish(-1)
            return ThreadInfo.currentID
        }
        let (values, threads) = seen.state.withLock { $0 }
        #expect(values == Array(0..<1_000))
        #expect(threads == [publisherThread])
        #expect(topic.subscriberCount == 0)
    }

    @Test("the topic keeps a subscribed service running; releasing the topic lets it stop (no leaked thread)")
    func topicReleaseStopsSubscriber() async throws {
        let name = "pubsub-owned"
        let probe = ListenerProbe()
        var topic: Topic<Tick>? = Topic<Tick>()
        do {
            let listener = try Listener.Service(expectedName: name, probe: probe, options: .named(name))
            topic?.subscribe(listener) { $0.receive($1) }
        }
        // Our handle is gone, but the subscription holds one: the service still runs and receives.
        topic?.publish(Tick(publisher: 0, sequence: 0))
        #expect(await ThreadInfo.eventually { ThreadInfo.count(named: name) == 1 })
        topic = nil
        #expect(await ThreadInfo.eventually { ThreadInfo.count(named: name) == 0 })
        #expect(probe.final.withLock { $0?.received } == 1)
    }

    @Test("a token outliving its topic is inactive, and cancelling it is harmless")
    func tokenOutlivesTopic() throws {
        var topic: Topic<Int>? = Topic<Int>()
        let token = try #require(topic?.subscribe { _ in })
        #expect(token.isActive)
        topic = nil
        #expect(!token.isActive)
        token.cancel()
    }

    @Test("a slow subscriber with a bounded `.dropNewest` mailbox never blocks the publisher; its losses are counted")
    func slowSubscriberDoesNotBlockPublisher() async throws {
        let gate = DispatchSemaphore(value: 0)
        let entered = DispatchSemaphore(value: 0)
        let topic = Topic<Tick>()
        let slow = try StalledSubscriber.Service(
            gate: gate, entered: entered, options: .init(mailbox: .bounded(capacity: 1, whenFull: .dropNewest)))
        let fast = try Listener.Service(expectedName: "fast-sub", options: .named("fast-sub"))
        topic.subscribe(slow) { $0.receive($1) }
        topic.subscribe(fast) { $0.receive($1) }
        try await runOnNewThread {
            topic.publish(Tick(publisher: 0, sequence: 0))
            entered.wait() // the slow subscriber now sits in its handler, its mailbox full
            for sequence in 1..<1_000 { topic.publish(Tick(publisher: 0, sequence: sequence)) }
        }
        // The publisher finished while the slow subscriber was stuck on its first event.
        #expect(slow.control.droppedCasts == 999)
        #expect(try await fast.currentTally().received == 1_000)
        gate.signal()
        try await slow.control.stop()
    }

    @Test("a slow subscriber with a bounded `.block` mailbox makes the publisher wait for room, and loses nothing")
    func blockingSubscriberMakesPublisherWait() async throws {
        let gate = DispatchSemaphore(value: 0)
        let entered = DispatchSemaphore(value: 0)
        let topic = Topic<Tick>()
        let slow = try StalledSubscriber.Service(
            gate: gate, entered: entered, options: .init(mailbox: .bounded(capacity: 1, whenFull: .block)))
        topic.subscribe(slow) { $0.receive($1) }
        let published = Atomic<Int>(0)
        let publisher = Task {
            try await runOnNewThread {
                for sequence in 0..<3 {
                    topic.publish(Tick(publisher: 0, sequence: sequence))
                    published.add(1, ordering: .relaxed)
                }
            }
        }
        try await runOnNewThread { entered.wait() }  // the first event is in the handler
        try await Task.sleep(for: .milliseconds(50))
        // The second event fills the mailbox (the one in hand counts); the third waits for room.
        #expect(published.load(ordering: .relaxed) < 3)
        for _ in 0..<3 { gate.signal() }  // one per event
        try await publisher.value
        #expect(published.load(ordering: .relaxed) == 3)
        try await slow.control.stop()
        #expect(slow.control.droppedCasts == 0)
        #expect(slow.control.snapshot().messagesHandled == 3)
    }

    @Test("with `.fail` or `.dropOldest`, a slow subscriber loses events, counted; the publisher never waits",
          arguments: [MailboxPolicy.WhenFull.fail, .dropOldest])
    func slowSubscriberLosesEvents(whenFull: MailboxPolicy.WhenFull) async throws {
        let gate = DispatchSemaphore(value: 0)
        let entered = DispatchSemaphore(value: 0)
        let topic = Topic<Tick>()
        let slow = try StalledSubscriber.Service(
            gate: gate, entered: entered, options: .init(mailbox: .bounded(capacity: 2, whenFull: whenFull)))
        topic.subscribe(slow) { $0.receive($1) }
        try await runOnNewThread {
            topic.publish(Tick(publisher: 0, sequence: 0))
            entered.wait()  // in the handler, stuck; one more event fills the mailbox
            for sequence in 1..<100 { topic.publish(Tick(publisher: 0, sequence: sequence)) }
        }
        #expect(slow.control.droppedCasts == 98)
        for _ in 0..<2 { gate.signal() }  // one per event still to handle
        try await slow.control.stop()
        #expect(slow.control.snapshot().messagesHandled == 2)
    }

    @Test("subscribe(onPublisherThread:) with a service's method reference delivers on the service; a stopped service is not removed")
    func methodReferenceSubscriber() async throws {
        let topic = Topic<Tick>()
        let listener = try Listener.Service(expectedName: "ref-sub", options: .named("ref-sub"))
        topic.subscribe(onPublisherThread: listener.receive)
        topic.publish(Tick(publisher: 0, sequence: 0))
        #expect(try await listener.currentTally().received == 1)
        try await listener.control.stop()
        #expect(topic.subscriberCount == 1)
        topic.publish(Tick(publisher: 0, sequence: 1))  // dropped by the stopped service, counted
        #expect(listener.control.droppedCasts == 1)
    }
}
