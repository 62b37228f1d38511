/// Case (b2): call round trip from a Task: send a value, `await` the answer.
struct CallRoundTripAsync: BenchCase {
    var id: String { "call-async" }

    func run(_ settings: BenchSettings) throws -> CaseReport {
        let fast = settings.scaled(200_000, quick: 2_000)
        let inline = settings.scaled(1_000_000, quick: 10_000)
        let parked = settings.scaled(20_000, quick: 500)

        let nano = try NanoCounter.Service(options: .init(name: "bench-acall"))
        let dispatch = DispatchCounter()
        let nio = NIOCounter()
        let naive = NaiveWorker()
        let actor = CounterActor()
        let pinnedExecutor = DedicatedThreadExecutor(name: "bench-actor")
        let pinned = PinnedCounterActor(executor: pinnedExecutor)
        defer {
            try? nano.control.stop()
            try? nio.shutdown()
            naive.requestStop()
            pinnedExecutor.shutdown()
        }

        let contenders = [
            Contender("NanoServices await call", operations: fast, nano: true) { ops in
                try timeAwaitedRoundTrips(ops) { try await nano.echo($0) }
            },
            Contender("pinned actor await", operations: parked,
                      note: "actor on a dedicated-thread SerialExecutor: a real hop to that thread and back") { ops in
                try timeAwaitedRoundTrips(ops) { await pinned.echo($0) }
            },
            Contender("NIO submit().get()", operations: parked) { ops in
                try timeAwaitedRoundTrips(ops) { try await nio.echoGet($0) }
            },
            Contender("DispatchQueue async+continuation", operations: parked) { ops in
                try timeAwaitedRoundTrips(ops) { await dispatch.echo($0) }
            },
            Contender("naive Thread+cond+continuation", operations: parked) { ops in
                try timeAwaitedRoundTrips(ops) { await naive.echo($0) }
            },
            Contender("actor await (uncontended)", operations: inline,
                      note: "no thread hop: an uncontended default actor runs the method on the caller's own thread") { ops in
                try timeAwaitedRoundTrips(ops) { await actor.echo($0) }
            },
        ]

        var report = CaseReport(
            id: id, title: "call round trip from a Task (async, caller suspends)",
            repetitions: settings.repetitions, measurements: try settings.measure(contenders))
        let hopThread = try blockingAwait { await pinned.lastThreadID }
        report.notes.append(hopThread == pinnedExecutor.threadID
            ? "checked: the pinned actor's method ran on its executor's thread (pthread \(hopThread))"
            : "WARNING: the pinned actor's method ran on pthread \(hopThread), not its executor's thread \(pinnedExecutor.threadID)")
        report.requireSpeedup(1, over: "pinned actor await")
        report.requireSpeedup(1, over: "NIO submit().get()")
        return report
    }
}
