/// Case (issue 5): an `async` method call round trip — a method that awaits once — on a
/// service (non-reentrant, on its own thread) and on a plain actor.
struct AsyncMethodCall: BenchCase {
    var id: String { "async-method" }

    func run(_ settings: BenchSettings) throws -> CaseReport {
        let operations = settings.scaled(100_000, quick: 1_000)
        let nano = try NanoAsyncCounter.Service(options: .init(name: "bench-async"))
        let actor = AsyncCounterActor()
        defer { try? nano.control.stop() }

        let contenders = [
            Contender("NanoServices async method", operations: operations, nano: true) { ops in
                try timeAwaitedRoundTrips(ops) { try await nano.echoAfterYield($0) }
            },
            Contender("actor async method", operations: operations,
                      note: "default actor; the method runs on the cooperative pool and may interleave at its await") { ops in
                try timeAwaitedRoundTrips(ops) { await actor.echoAfterYield($0) }
            },
        ]
        var report = CaseReport(
            id: id, title: "async method call round trip (the method awaits once), from a Task",
            repetitions: settings.repetitions, measurements: try settings.measure(contenders))
        report.notes.append("NanoServices starts each async method as a task on the service's own thread and holds the service until it returns (no reentrancy)")
        return report
    }
}
