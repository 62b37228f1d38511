import ArgumentParser
import Foundation

/// `nano-bench`: NanoServices against Swift actors, DispatchQueue, SwiftNIO and a hand-written
/// thread, measured side by side in one run and reported as ratios.
@main
struct NanoBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nano-bench",
        abstract: "Benchmarks NanoServices against actors, DispatchQueue, SwiftNIO and a naive thread.",
        discussion: "Run from the Benchmarks folder: swift run -c release nano-bench [--quick]")

    @Flag(help: "Smoke mode: tiny operation counts, finishes in seconds. The numbers mean little.")
    var quick = false

    @Option(help: "Write every measurement to this file as JSON.")
    var json: String?

    @Option(help: "Run only the cases whose id contains this text, or any of several comma-separated texts (cast, call-sync, call-async, call-safety, async-method, payload-move, spawn-1k, spawn-10k, spawn-1m, pipeline, fanout, idle-request, idle-chain, idle-nested, timers-100k).")
    var filter: String?

    @Option(help: "Run only the peers whose name contains this text (e.g. NanoServices); ratios need the peers, so targets may go unchecked.")
    var peer: String?

    @Option(help: "Timed runs per peer; the best one is reported.")
    var repetitions = 3

    @Option(help: .hidden)
    var child: String?

    func run() throws {
        if let child {
            try SpawnStopChild.run(child)
            return
        }
        let settings = BenchSettings(quick: quick, repetitions: max(repetitions, 1), peerFilter: peer)
        let allCases: [any BenchCase] = [
            CastThroughput(producers: 1),
            CastThroughput(producers: 4),
            CallRoundTripSync(),
            CallRoundTripAsync(),
            CallSafetyCost(),
            AsyncMethodCall(),
            PayloadMove(),
            SpawnStop(count: quick ? 100 : 1_000),
            SpawnStop(count: quick ? 1_000 : 10_000),
            SpawnStop(count: quick ? 2_000 : 1_000_000, peerKeys: ["nano-pool", "actor"]),
            Pipeline(),
            FanOut(),
            IdleRequestReply(),
            IdleChain(),
            IdleNestedCalls(),
            ActiveTimers(),
        ]
        // Several texts, comma-separated, select the cases that contain any of them (in the
        // suite's order, in one process: `--filter fanout,idle-nested`).
        let texts = filter.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let cases = allCases.filter { aCase in texts == nil || texts!.contains { aCase.id.localizedCaseInsensitiveContains($0) } }
        if cases.isEmpty {
            throw ValidationError("no case id contains '\(filter ?? "")'; the ids are: \(allCases.map(\.id).joined(separator: ", "))")
        }

        print("nano-bench: \(quick ? "QUICK smoke run (numbers are not meaningful)" : "full run"), best of \(settings.repetitions)")
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(Self.loadAverage())")
        var reports: [CaseReport] = []
        for benchCase in cases {
            let report = try benchCase.run(settings)
            benchCase.printReport(report)
            reports.append(report)
            fflush(nil) // show each table as soon as it is ready, also when piped
        }
        Self.printSummary(reports)
        print("")
        print("load average at the end: \(Self.loadAverage())")
        if let json {
            try JSONReport(quick: quick, repetitions: settings.repetitions, cases: reports).write(to: json)
            print("wrote \(json)")
        }
    }

    static func printSummary(_ reports: [CaseReport]) {
        let checks = reports.flatMap { report in report.targets.map { (report.id, $0) } }
        guard !checks.isEmpty else { return }
        print("")
        print("== targets from the issue (measured in this run)")
        var table = Table("case", "target", "measured", "status")
        table.leftAligned = [1]
        for (id, check) in checks {
            table.add(id, check.target, check.measured, check.met ? "met" : "MISSED")
        }
        print(table.render())
    }

    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?"
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
