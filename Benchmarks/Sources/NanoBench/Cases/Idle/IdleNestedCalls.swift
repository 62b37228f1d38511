import Dispatch
import NanoServices

/// Issue 12: services that call each other and wait for the replies. A caller calls one of
/// `pairs` front services at random, which calls its partner before answering; every service
/// is idle when its call arrives. Per outer call (two round trips).
struct IdleNestedCalls: BenchCase {
    var id: String { "idle-nested" }

    func run(_ settings: BenchSettings) throws -> CaseReport {
        let pairs = settings.quick ? 25 : 500
        let wakeUps = settings.scaled(10_000, quick: 300)
        // Rows that wake no thread run 200,000 calls: a short window (10,000–20,000 calls) was
        // mostly the warm-up's tail — services touched for the first time, freshly spawned
        // threads still spinning — not the steady state of mostly idle services.
        let calls = settings.scaled(200_000, quick: 1_000)
        let pool = ServicePool(name: "bench-nested")
        let pooled = try (0..<pairs).map { _ in
            let placement = ServiceOptions(placement: .pool(pool))
            return try NanoForwardingAccount.Service(partner: NanoAccount.Service(options: placement), options: placement)
        }
        let threaded = try (0..<pairs).map { _ in try NanoForwardingAccount.Service(partner: NanoAccount.Service()) }
        let actors = (0..<pairs).map { _ in ForwardingAccountActor(partner: AccountActor()) }
        let queues = (0..<pairs).map { _ in DispatchAccount(partner: DispatchAccount()) }
        defer {
            for service in pooled + threaded { service.control.requestStop() }
            try? pool.shutdown()
        }

        let contenders = [
            Contender("NanoServices pooled, nested sync calls", operations: calls, nano: true,
                      note: "\(pairs * 2) services on a ServicePool of \(pool.threadCount) threads; caller → front → partner, blocking calls") { ops in
                try timeCallsToRandomServices(ops, among: pairs) { _ = try pooled[$0].deposit(1) }
            },
            Contender("NanoServices thread each, nested sync calls", operations: wakeUps, nano: true,
                      note: "\(pairs * 2) services, each on its own thread (default options)") { ops in
                try timeCallsToRandomServices(ops, among: pairs) { _ = try threaded[$0].deposit(1) }
            },
            Contender("actor nested await", operations: calls,
                      note: "\(pairs * 2) default actors; a task awaits the front, which awaits its partner") { ops in
                try timeAwaitedCallsToRandomServices(ops, among: pairs) { _ = await actors[$0].deposit(1) }
            },
            Contender("DispatchQueue nested sync", operations: calls,
                      note: "\(pairs * 2) serial queues; `sync` inside `sync`") { ops in
                timeCallsToRandomServices(ops, among: pairs) { _ = queues[$0].deposit(1) }
            },
        ]
        var report = CaseReport(
            id: id, title: "nested calls among \(pairs * 2) mostly idle services (caller → front → partner), per outer call",
            repetitions: settings.repetitions, measurements: try settings.measure(contenders))
        report.requireBestNanoServices(atLeastAsFastAs: ["actor nested await", "DispatchQueue nested sync"])
        return report
    }
}
