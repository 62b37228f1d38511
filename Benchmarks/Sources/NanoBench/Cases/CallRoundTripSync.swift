import NanoServices

/// Case (b1): call round trip from a plain thread: send a value, block until the answer.
struct CallRoundTripSync: BenchCase {
    var id: String { "call-sync" }

    func run(_ settings: BenchSettings) throws -> CaseReport {
        let fast = settings.scaled(200_000, quick: 2_000)
        let inline = settings.scaled(1_000_000, quick: 10_000)
        let parked = settings.scaled(20_000, quick: 500)

        let nano = try NanoCounter.Service(options: .init(name: "bench-call"))
        let pool = ServicePool(name: "bench-callp", threads: 1)
        let pooled = try NanoCounter.Service(options: .init(name: "bench-call-pooled", placement: .pool(pool)))
        let dispatch = DispatchCounter()
        let nio = NIOCounter()
        let naive = NaiveWorker()
        defer {
            try? nano.control.stop()
            try? pool.shutdown()
            try? nio.shutdown()
            naive.requestStop()
        }

        let contenders = [
            Contender("NanoServices call", operations: fast, nano: true) { ops in
                try MonotonicClock.measure {
                    var value = 0
                    for _ in 0..<ops { value = try nano.echo(value) }
                    precondition(value == ops)
                }
            },
            Contender("NanoServices call, pooled service", operations: fast, nano: true,
                      note: "the same service on a 1-thread ServicePool: the service is idle at every call, so the calling thread runs the method itself (a direct call: no message, no thread hop)") { ops in
                try MonotonicClock.measure {
                    var value = 0
                    for _ in 0..<ops { value = try pooled.echo(value) }
                    precondition(value == ops)
                }
            },
            Contender("DispatchQueue async+semaphore", operations: parked) { ops in
                MonotonicClock.measure {
                    var value = 0
                    for _ in 0..<ops { value = dispatch.echoAsyncSemaphore(value) }
                    precondition(value == ops)
                }
            },
            Contender("NIO submit().wait()", operations: parked) { ops in
                try MonotonicClock.measure {
                    var value = 0
                    for _ in 0..<ops { value = try nio.echoWait(value) }
                    precondition(value == ops)
                }
            },
            Contender("naive Thread+cond+semaphore", operations: parked) { ops in
                MonotonicClock.measure {
                    var value = 0
                    for _ in 0..<ops { value = naive.echo(value) }
                    precondition(value == ops)
                }
            },
            Contender("cache-line ping-pong (floor)", operations: fast,
                      note: "not a peer: two threads bounce one word on one cache line, both spinning; the hardware floor of any cross-thread round trip (a call to a service with its own thread pays at least this)") { ops in
                CacheLinePingPong.measure(rounds: ops)
            },
            Contender("DispatchQueue sync", operations: inline,
                      note: "no thread hop: `sync` runs the block on the caller's own thread (not a cross-thread round trip)") { ops in
                MonotonicClock.measure {
                    var value = 0
                    for _ in 0..<ops { value = dispatch.echoSync(value) }
                    precondition(value == ops)
                }
            },
        ]

        var report = CaseReport(
            id: id, title: "call round trip from a thread (sync, caller blocks)",
            repetitions: settings.repetitions, measurements: try settings.measure(contenders))
        report.notes.append("actors have no synchronous entry point (a thread must bridge with a Task and a semaphore); they are measured from a Task in call-async")
        report.requireSpeedup(20, over: "DispatchQueue async+semaphore")
        report.requireSpeedup(20, over: "NIO submit().wait()")
        report.requireSpeedup(20, over: "naive Thread+cond+semaphore")
        if let nanoRow = report.reference {
            let perOp = nanoRow.nanosecondsPerOperation
            report.targets.append(TargetCheck(target: "≈2 µs per sync call", met: perOp <= 2_200,
                                              measured: Format.nanoseconds(perOp)))
            let floor = report.measurements.first { $0.peer == "cache-line ping-pong (floor)" }?.nanosecondsPerOperation
            report.targets.append(TargetCheck(
                target: "sync call to a service with its own thread ≤ 450 ns (issue 12; floor: cache-line ping-pong)", met: perOp <= 450,
                measured: Format.nanoseconds(perOp) + (floor.map { ", floor " + Format.nanoseconds($0) } ?? "")))
        }
        return report
    }
}
