import Dispatch
import NanoServices

/// Case (issue 6): fan-out. One publisher, 1,000 subscribers; every event reaches every
/// subscriber. Timed until every subscriber has handled every event.
struct FanOut: BenchCase {
    var id: String { "fanout" }

    func run(_ settings: BenchSettings) throws -> CaseReport {
        let subscriberCount = settings.quick ? 100 : 1_000
        let events = settings.scaled(200, quick: 10)

        let topic = Topic<Int>()
        let services = try (0..<subscriberCount).map { index in
            try NanoCounter.Service(options: .init(name: "fan-\(index)", spinBeforeParking: .zero))
        }
        for service in services { topic.subscribe(service) { $0.add($1) } } // every event is 1
        let pool = ServicePool(name: "bench-fan")
        let pooledTopic = Topic<Int>()
        let pooled = try (0..<subscriberCount).map { index in
            try NanoCounter.Service(options: .init(name: "fanp-\(index)", placement: .pool(pool)))
        }
        for service in pooled { pooledTopic.subscribe(service) { $0.add($1) } }
        let queues = (0..<subscriberCount).map { _ in DispatchCounter() }
        let actors = (0..<subscriberCount).map { _ in CounterActor() }
        defer {
            for service in services + pooled { service.control.requestStop() }
            try? pool.shutdown()
        }

        let contenders = [
            Contender("NanoServices Topic, pooled", operations: events * subscriberCount, nano: true,
                      note: "\(subscriberCount) subscriber services on one ServicePool of \(pool.threadCount) threads (`placement: .pool(pool)`, the placement for this many services); publish casts to each; then a flush call to each") { _ in
                try MonotonicClock.measure {
                    for _ in 0..<events { pooledTopic.publish(1) }
                    for service in pooled { try service.flush() }
                }
            },
            Contender("NanoServices Topic, thread each", operations: events * subscriberCount, nano: true,
                      note: "\(subscriberCount) subscriber services, each on its own thread (parking at once when idle); publish casts to each; then a flush call to each") { _ in
                try MonotonicClock.measure {
                    for _ in 0..<events { topic.publish(1) }
                    for service in services { try service.flush() }
                }
            },
            Contender("DispatchQueue async fan-out", operations: events * subscriberCount,
                      note: "\(subscriberCount) serial queues; `async` to each; then `sync` to each") { _ in
                MonotonicClock.measure {
                    for _ in 0..<events { for queue in queues { queue.add(1) } }
                    for queue in queues { queue.flush() }
                }
            },
            Contender("actor Task{await} fan-out", operations: events * subscriberCount,
                      note: "\(subscriberCount) actors; one Task per delivery (unordered); waits until all arrived") { _ in
                let arrived = DispatchSemaphore(value: 0)
                try blockingAwait { for actor in actors { await actor.expect(events, arrived) } }
                return MonotonicClock.measure {
                    for _ in 0..<events { for actor in actors { Task { await actor.add(1) } } }
                    for _ in actors { arrived.wait() }
                }
            },
        ]
        var report = CaseReport(
            id: id, title: "fan-out: 1 publisher → \(subscriberCount) subscribers, \(events) events, per delivery",
            repetitions: settings.repetitions, measurements: try settings.measure(contenders))
        report.notes.append("the thread-each subscribers park at once when idle (`spinBeforeParking: .zero`): with \(subscriberCount) threads on 2 cores, spinning would only steal the publisher's CPU")
        return report
    }
}
