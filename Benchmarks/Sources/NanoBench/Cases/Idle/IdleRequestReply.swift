import Dispatch
import NanoServices

/// Issue 12: request/reply from one caller to many mostly idle services. Each call goes to a
/// service picked at random out of `services`, so almost every call finds its service idle:
/// the cost is the wake-up, not the mailbox.
struct IdleRequestReply: BenchCase {
    var id: String { "idle-request" }

    func run(_ settings: BenchSettings) throws -> CaseReport {
        let count = settings.quick ? 50 : 1_000
        let wakeUps = settings.scaled(20_000, quick: 500)
        // Rows that wake no thread run 200,000 calls: a short window (10,000–20,000 calls) was
        // mostly the warm-up's tail — services touched for the first time, freshly spawned
        // threads still spinning — not the steady state of mostly idle services.
        let calls = settings.scaled(200_000, quick: 1_000)
        let pool = ServicePool(name: "bench-idle")
        let pooled = try (0..<count).map { _ in try NanoAccount.Service(options: .init(placement: .pool(pool))) }
        let threaded = try (0..<count).map { _ in try NanoAccount.Service() }
        let actors = (0..<count).map { _ in AccountActor() }
        let queues = (0..<count).map { _ in DispatchAccount() }
        defer {
            for service in pooled + threaded { service.control.requestStop() }
            try? pool.shutdown()
        }

        let contenders = [
            Contender("NanoServices pooled, sync call", operations: calls, nano: true,
                      note: "\(count) services on a ServicePool of \(pool.threadCount) threads; a plain thread calls one at random, blocking") { ops in
                try timeCallsToRandomServices(ops, among: count) { _ = try pooled[$0].deposit(1) }
            },
            Contender("NanoServices pooled, async call", operations: calls, nano: true,
                      note: "the same, `try await` from one task") { ops in
                try timeAwaitedCallsToRandomServices(ops, among: count) { _ = try await pooled[$0].deposit(1) }
            },
            Contender("NanoServices thread each, sync call", operations: wakeUps, nano: true,
                      note: "\(count) services, each on its own thread (default options)") { ops in
                try timeCallsToRandomServices(ops, among: count) { _ = try threaded[$0].deposit(1) }
            },
            Contender("NanoServices thread each, async call", operations: wakeUps, nano: true,
                      note: "the same, `try await` from one task") { ops in
                try timeAwaitedCallsToRandomServices(ops, among: count) { _ = try await threaded[$0].deposit(1) }
            },
            Contender("actor await", operations: calls,
                      note: "\(count) default actors; one task awaits one at random (runs on the caller's thread when uncontended)") { ops in
                try timeAwaitedCallsToRandomServices(ops, among: count) { _ = await actors[$0].deposit(1) }
            },
            Contender("DispatchQueue sync", operations: calls,
                      note: "\(count) serial queues; `sync` from a plain thread (runs on the caller's thread)") { ops in
                timeCallsToRandomServices(ops, among: count) { _ = queues[$0].deposit(1) }
            },
        ]
        var report = CaseReport(
            id: id, title: "request/reply to \(count) mostly idle services, per call",
            repetitions: settings.repetitions, measurements: try settings.measure(contenders))
        report.requireBestNanoServices(atLeastAsFastAs: ["actor await", "DispatchQueue sync"])
        return report
    }
}
