import Dispatch
import NanoServices

/// Case (a): casts from 1 or 4 producers, drain included: the clock stops once a final
/// call (or flush) has returned, i.e. once every cast has been handled.
struct CastThroughput: BenchCase {
    var producers: Int
    var id: String { "cast-\(producers)-producer\(producers == 1 ? "" : "s")" }
    static let noStatistics = "NanoServices cast, no statistics"

    func run(_ settings: BenchSettings) throws -> CaseReport {
        let fast = settings.scaled(2_000_000, quick: 20_000)
        let medium = settings.scaled(1_000_000, quick: 10_000)
        let slow = settings.scaled(200_000, quick: 2_000)
        let producers = self.producers
        // The two rows compared within 5% take 9 turns each: one noisy run must not decide.
        let observabilityRuns = producers == 1 ? 9 : 1

        let nano = try NanoCounter.Service(options: .init(name: "bench-cast"))
        let nanoNoSpin = try NanoCounter.Service(options: .init(name: "bench-cast0", spinBeforeParking: .zero))
        let nanoNoStats = try NanoCounter.Service(options: .init(name: "bench-cast-ns", collectsStatistics: false))
        let pool = ServicePool(name: "bench-castp", threads: 1)
        let nanoPooled = try NanoCounter.Service(options: .init(name: "bench-cast-pooled", placement: .pool(pool)))
        let dispatch = DispatchCounter()
        let nio = NIOCounter()
        let naive = NaiveWorker()
        let actor = CounterActor()
        let pinnedExecutor = DedicatedThreadExecutor(name: "bench-actor")
        let pinned = PinnedCounterActor(executor: pinnedExecutor)
        defer {
            try? nano.control.stop()
            try? nanoNoSpin.control.stop()
            try? nanoNoStats.control.stop()
            try? pool.shutdown()
            try? nio.shutdown()
            naive.requestStop()
            pinnedExecutor.shutdown()
        }

        let contenders = [
            nanoCasts("NanoServices cast", fast, to: nano, minimumRepetitions: observabilityRuns,
                      note: "default options: the service spins up to 50 µs on an empty mailbox before parking"),
            nanoCasts("NanoServices cast, spin 0", fast, to: nanoNoSpin,
                      note: "`spinBeforeParking: .zero`: the service parks as soon as its mailbox is empty instead of polling it under the mailbox lock, so the producer fills large batches undisturbed"),
            nanoCasts(Self.noStatistics, fast, to: nanoNoStats, minimumRepetitions: observabilityRuns,
                      note: "`collectsStatistics: false`: no message counts, busy time or in-hand count; the cost of observability with no backend bootstrapped is the difference to the first row"),
            nanoCasts("NanoServices cast, pooled service", fast, to: nanoPooled,
                      note: "the same service on a 1-thread ServicePool: slices of at most 256 messages, no batch pacing"),
            Contender("DispatchQueue async", operations: medium) { ops in
                MonotonicClock.measure {
                    produce(ops, producers) { dispatch.add(1) }
                    dispatch.flush()
                }
            },
            Contender("NIO execute", operations: medium) { ops in
                try MonotonicClock.measure {
                    produce(ops, producers) { nio.add(1) }
                    try nio.flush()
                }
            },
            Contender("naive Thread+cond", operations: medium) { ops in
                MonotonicClock.measure {
                    produce(ops, producers) { naive.add(1) }
                    naive.flush()
                }
            },
            Contender("actor Task{await}", operations: slow,
                      note: "one `Task { await actor.add(1) }` per cast (the only way to not wait); tasks run unordered") { ops in
                let reached = DispatchSemaphore(value: 0)
                try blockingAwait { await actor.expect(ops, reached) }
                return MonotonicClock.measure {
                    produce(ops, producers) { Task { await actor.add(1) } }
                    reached.wait()
                }
            },
            Contender("pinned actor Task{await}", operations: slow,
                      note: "actor on a dedicated-thread SerialExecutor, one Task per cast, unordered") { ops in
                let reached = DispatchSemaphore(value: 0)
                try blockingAwait { await pinned.expect(ops, reached) }
                return MonotonicClock.measure {
                    produce(ops, producers) { Task { await pinned.add(1) } }
                    reached.wait()
                }
            },
        ]

        var report = CaseReport(
            id: id, title: "cast throughput, \(producers) producer\(producers == 1 ? "" : "s") (thread\(producers == 1 ? "" : "s")), drain included",
            repetitions: settings.repetitions, measurements: try settings.measure(contenders))
        if let noSpin = report.measurement("NanoServices cast, spin 0") {
            let versus = ["DispatchQueue async", "NIO execute", "naive Thread+cond"].compactMap { peer in
                report.measurement(peer).map { "\(Format.ratio($0.nanosecondsPerOperation / noSpin.nanosecondsPerOperation)) \(peer)" }
            }
            if !versus.isEmpty {
                report.notes.append("with spin 0, nano is faster than: \(versus.joined(separator: ", ")) (targets are checked on the default options)")
            }
        }
        if producers == 1 {
            report.requireObservabilityCost(below: 5, comparedWith: Self.noStatistics)
            report.requireSpeedup(5, over: "DispatchQueue async")
            report.requireSpeedup(4, over: "NIO execute")
            if let nanoRow = report.reference {
                let perOp = nanoRow.nanosecondsPerOperation
                report.targets.append(TargetCheck(target: "≈50 ns per cast", met: perOp <= 55,
                                                  measured: Format.nanoseconds(perOp)))
            }
        }
        return report
    }
}

extension CastThroughput {
    /// A NanoServices row: `operations` casts to `service` from the producers, then a flush call
    /// (the drain).
    func nanoCasts(_ peer: String, _ operations: Int, to service: NanoCounter.Service, minimumRepetitions: Int = 1, note: String) -> Contender {
        let producers = self.producers
        return Contender(peer, operations: operations, nano: true,
                         minimumRepetitions: minimumRepetitions, note: note) { ops in
            try MonotonicClock.measure {
                produce(ops, producers) { service.add(1) }
                try service.flush()
            }
        }
    }
}

/// Performs `operations` calls of `body`, split across `producers` threads (the calling
/// thread itself when there is one producer).
func produce(_ operations: Int, _ producers: Int, _ body: @escaping @Sendable () -> Void) {
    if producers <= 1 {
        for _ in 0..<operations { body() }
        return
    }
    let share = operations / producers
    runOnThreads(producers) { index in
        let count = index == producers - 1 ? operations - share * (producers - 1) : share
        for _ in 0..<count { body() }
    }
}
