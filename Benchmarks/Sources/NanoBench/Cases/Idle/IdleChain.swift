import Dispatch
import NanoServices

/// Issue 12: a message passed along a chain of mostly idle services. One token at a time goes
/// through every link (each link casts it on to the next), so every hop finds its service
/// idle. Per hop.
struct IdleChain: BenchCase {
    var id: String { "idle-chain" }

    func run(_ settings: BenchSettings) throws -> CaseReport {
        let length = settings.quick ? 20 : 100
        let tokens = settings.scaled(200, quick: 10)
        let pool = ServicePool(name: "bench-chain")
        let pooledArrived = DispatchSemaphore(value: 0)
        let pooled = try Self.chain(length) { next in
            try NanoRelay.Service(next: next, arrived: pooledArrived, options: .init(placement: .pool(pool)))
        }
        let threadedArrived = DispatchSemaphore(value: 0)
        let threaded = try Self.chain(length) { next in
            try NanoRelay.Service(next: next, arrived: threadedArrived)
        }
        let actorArrived = DispatchSemaphore(value: 0)
        let actors = try Self.chain(length) { next in RelayActor(next: next, arrived: actorArrived) }
        let queueArrived = DispatchSemaphore(value: 0)
        let queues = try Self.chain(length) { next in DispatchAccount(next: next, arrived: queueArrived) }
        defer {
            for service in pooled + threaded { service.control.requestStop() }
            try? pool.shutdown()
        }

        let hops = tokens * length
        let contenders = [
            Contender("NanoServices pooled cast chain", operations: hops, nano: true,
                      note: "\(length) services on a ServicePool of \(pool.threadCount) threads; each casts the token to the next") { _ in
                MonotonicClock.measure {
                    for token in 0..<tokens { pooled[0].pass(token); pooledArrived.wait() }
                }
            },
            Contender("NanoServices thread-each cast chain", operations: hops, nano: true,
                      note: "\(length) services, each on its own thread (default options)") { _ in
                MonotonicClock.measure {
                    for token in 0..<tokens { threaded[0].pass(token); threadedArrived.wait() }
                }
            },
            Contender("actor Task{await} chain", operations: hops,
                      note: "\(length) default actors; each forwards with `Task { await next.pass() }`") { _ in
                MonotonicClock.measure {
                    for token in 0..<tokens {
                        let first = actors[0]
                        Task { await first.pass(token) }
                        actorArrived.wait()
                    }
                }
            },
            Contender("DispatchQueue async chain", operations: hops,
                      note: "\(length) serial queues; each `async`s the token to the next") { _ in
                MonotonicClock.measure {
                    for token in 0..<tokens { queues[0].pass(token); queueArrived.wait() }
                }
            },
        ]
        var report = CaseReport(
            id: id, title: "a token passed along a chain of \(length) idle services, per hop",
            repetitions: settings.repetitions, measurements: try settings.measure(contenders))
        report.requireBestNanoServices(atLeastAsFastAs: ["actor Task{await} chain", "DispatchQueue async chain"])
        return report
    }

    /// Builds a chain back to front; element 0 is the head.
    static func chain<Link>(_ length: Int, _ make: (Link?) throws -> Link) throws -> [Link] {
        var links: [Link] = []
        var next: Link? = nil
        for _ in 0..<length {
            let link = try make(next)
            links.insert(link, at: 0)
            next = link
        }
        return links
    }
}
