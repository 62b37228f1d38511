import NanoServices

/// Case (issue 5; issue 12, point 4): an `async` method call round trip — a method that awaits
/// once — on a service (non-reentrant; its own thread, and a pool) and on a plain actor, with
/// the floor of any method that runs in a task of its own on another thread beside them.
struct AsyncMethodCall: BenchCase {
    var id: String { "async-method" }

    static let floorPeer = "task on a spinning thread (floor)"
    static let callerTaskPeer = "body in the caller's task (an actor's shape)"

    func run(_ settings: BenchSettings) throws -> CaseReport {
        let operations = settings.scaled(100_000, quick: 1_000)
        let nano = try NanoAsyncCounter.Service(options: .init(name: "bench-async"))
        let pool = ServicePool(name: "bench-asyncp", threads: 1)
        let pooled = try NanoAsyncCounter.Service(options: .init(name: "bench-async-pooled", placement: .pool(pool)))
        let actor = AsyncCounterActor()
        let floorBody = AsyncCounterBody()
        defer {
            try? nano.control.stop()
            try? pool.shutdown()
        }

        let contenders = [
            Contender("NanoServices async method", operations: operations, nano: true) { ops in
                try timeAwaitedRoundTrips(ops) { try await nano.echoAfterYield($0) }
            },
            Contender("NanoServices async method, pooled", operations: operations, nano: true,
                      note: "the same service on a 1-thread ServicePool") { ops in
                try timeAwaitedRoundTrips(ops) { try await pooled.echoAfterYield($0) }
            },
            Contender("actor async method", operations: operations,
                      note: "default actor; the method runs in the caller's task, on the cooperative pool, and may interleave at its await") { ops in
                try timeAwaitedRoundTrips(ops) { await actor.echoAfterYield($0) }
            },
            Contender(Self.floorPeer, operations: operations,
                      note: "not a peer: the same method body in a task of its own that prefers a TaskExecutor whose one thread never parks; the caller spins on the answer. No mailbox, reply or bookkeeping: what any method run in its own task on another thread pays at least") { ops in
                // Its thread spins only during its own runs (it would take a core from the others).
                let floor = SpinningTaskExecutor(name: "bench-async-floor")
                defer { floor.shutdown() }
                return try timeAwaitedRoundTrips(ops) { value in floor.roundTrip(value) { await floorBody.echoAfterYield($0) } }
            },
            Contender(Self.callerTaskPeer, operations: operations,
                      note: "not a peer: the same body run in the calling task after taking a flag that keeps it one at a time (as a direct call claims an idle service); what an actor does, and the only shape under the actor's time — but the body then runs on the caller's threads, a stop could cancel it only by cancelling the caller, and its child tasks would not prefer the service's executor") { ops in
                try timeAwaitedRoundTrips(ops) { value in await floorBody.echoInCallerTask(value) }
            },
        ]
        var report = CaseReport(
            id: id, title: "async method call round trip (the method awaits once), from a Task",
            repetitions: settings.repetitions, measurements: try settings.measure(contenders))
        report.notes.append("NanoServices starts each async method as a task of its own that prefers the service's executor (its thread, or its pool's), and holds the service until it returns (no reentrancy); an immediate stop cancels that task, not the caller's")
        if let best = report.measurements.filter(\.isNano).min(by: { $0.nanosecondsPerOperation < $1.nanosecondsPerOperation }),
           let actorRow = report.measurement("actor async method") {
            let floorText = report.measurement(Self.floorPeer).map { ", floor " + Format.nanoseconds($0.nanosecondsPerOperation) } ?? ""
            report.targets.append(TargetCheck(
                target: "async method round trip ≤ an actor method's (issue 12, point 4)",
                met: best.nanosecondsPerOperation <= actorRow.nanosecondsPerOperation,
                measured: Format.nanoseconds(best.nanosecondsPerOperation) + " (\(best.peer)) vs actor "
                    + Format.nanoseconds(actorRow.nanosecondsPerOperation) + floorText))
        }
        return report
    }
}
