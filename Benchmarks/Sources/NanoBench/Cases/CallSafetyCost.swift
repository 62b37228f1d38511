/// Case (issue 3 f): what call safety costs on the call round trip — a per-call timeout, and
/// deadlock detection (the wait graph, used when the caller is itself a service).
struct CallSafetyCost: BenchCase {
    var id: String { "call-safety" }

    func run(_ settings: BenchSettings) throws -> CaseReport {
        let operations = settings.scaled(200_000, quick: 2_000)
        let target = try NanoCounter.Service(options: .init(name: "bench-target"))
        let forwarder = try NanoForwarder.Service(target: target, options: .init(name: "bench-forward"))
        let limited = target.timingOut(after: .seconds(30))
        defer {
            try? forwarder.control.stop()
            try? target.control.stop()
        }

        let contenders = [
            Contender("NanoServices call (thread → service)", operations: operations, nano: true) { ops in
                try MonotonicClock.measure {
                    var value = 0
                    for _ in 0..<ops { value = try target.echo(value) }
                    precondition(value == ops)
                }
            },
            Contender("with a call timeout", operations: operations,
                      note: "`handle.timingOut(after: .seconds(30))`: the caller parks with a deadline") { ops in
                try MonotonicClock.measure {
                    var value = 0
                    for _ in 0..<ops { value = try limited.echo(value) }
                    precondition(value == ops)
                }
            },
            Contender("service → service (deadlock detection)", operations: operations,
                      note: "the caller is a service: each call publishes and clears a wait edge and looks at the target's") { ops in
                try MonotonicClock.measure {
                    let answered = try forwarder.forward(ops)
                    precondition(answered == ops)
                }
            },
        ]
        var report = CaseReport(
            id: id, title: "cost of call safety on the sync call round trip",
            repetitions: settings.repetitions, measurements: try settings.measure(contenders))
        for peer in ["with a call timeout", "service → service (deadlock detection)"] {
            if let ratio = report.speedup(over: peer) {
                report.targets.append(TargetCheck(
                    target: "\(peer): under 10% over a plain call", met: ratio <= 1.10,
                    measured: String(format: "%+.1f%%", (ratio - 1) * 100)))
            }
        }
        return report
    }
}
