import Foundation
import NanoServices

/// Many active timers at once (issue 13): 100,000 fixed-rate timers spread over 100 services,
/// their first deadlines spread over one period. Reports the memory the armed timers take and
/// how late their ticks are handled (deadline → the action runs on the service's thread), with
/// the ticks coalesced because a service could not keep up.
struct ActiveTimers: BenchCase {
    var id: String { "timers-100k" }

    func run(_ settings: BenchSettings) throws -> CaseReport {
        let timerCount = settings.scaled(100_000, quick: 10_000)
        let serviceCount = 100
        let period = Duration.milliseconds(settings.scaled(1_000, quick: 200))
        let runFor = Duration.milliseconds(settings.scaled(5_000, quick: 600))

        let residentBefore = ProcessStats.residentBytes ?? 0
        let hosts = try (0..<serviceCount).map { index in
            try TimerHost.Service(timers: timerCount / serviceCount, period: period, options: .named("timers-\(index)"))
        }
        for host in hosts {
            let armed = try host.activeTimers()  // the initializer has run: every timer is armed
            precondition(armed == timerCount / serviceCount)
        }
        let residentArmed = ProcessStats.residentBytes ?? 0
        Thread.sleep(forTimeInterval: Double(runFor.components.seconds) + Double(runFor.components.attoseconds) / 1e18)
        var lateness: [Int64] = []
        for host in hosts {
            lateness += try host.stopTimersAndReport()
        }
        let snapshots = hosts.map { $0.control.snapshot() }
        for host in hosts { host.control.requestStop() }
        for host in hosts { try host.control.join() }

        lateness.sort()
        func percentile(_ fraction: Double) -> Double {
            lateness.isEmpty ? 0 : Double(lateness[min(Int(Double(lateness.count) * fraction), lateness.count - 1)])
        }
        let ticks = snapshots.reduce(0) { $0 + $1.timerTicksHandled }
        var row = PeerResult(peer: "NanoServices timers", operations: max(ticks, 1), bestNanoseconds: UInt64(runFor.components.seconds * 1_000_000_000),
                             note: "\(Format.count(timerCount)) fixed-rate timers every \(period) on \(serviceCount) services (own threads), for \(runFor)",
                             isNano: true)
        row.extra = [
            "timers": Double(timerCount),
            "armedRSSBytes": Double(max(residentArmed - residentBefore, 0)),
            "ticksHandled": Double(ticks),
            "ticksCoalesced": Double(snapshots.reduce(0) { $0 + $1.timerTicksCoalesced }),
            "latenessP50Nanoseconds": percentile(0.5),
            "latenessP99Nanoseconds": percentile(0.99),
            "latenessMaxNanoseconds": Double(lateness.last ?? 0),
        ]
        var report = CaseReport(id: id, title: "\(Format.count(timerCount)) active timers: memory and lateness of ticks",
                                repetitions: 1, measurements: [row])
        report.notes.append("memory: resident set growth while arming (services and their threads included); lateness: from a tick's deadline until its action runs on the service's thread")
        return report
    }

    func printReport(_ report: CaseReport) {
        print("")
        print("== \(report.title)  [\(report.id)]")
        var table = Table("timers", "RSS armed", "per timer", "ticks handled", "coalesced", "late p50", "late p99", "late max")
        for row in report.measurements {
            let timers = row.extra["timers"] ?? 0
            let armed = row.extra["armedRSSBytes"] ?? 0
            table.add(Format.count(Int(timers)), Format.mebibytes(armed), String(format: "%.0f B", armed / max(timers, 1)),
                      Format.count(Int(row.extra["ticksHandled"] ?? 0)), Format.count(Int(row.extra["ticksCoalesced"] ?? 0)),
                      Format.nanoseconds(row.extra["latenessP50Nanoseconds"] ?? 0),
                      Format.nanoseconds(row.extra["latenessP99Nanoseconds"] ?? 0),
                      Format.nanoseconds(row.extra["latenessMaxNanoseconds"] ?? 0))
            if let note = row.note { print("  \(note)") }
        }
        print(table.render())
        for note in report.notes { print("  note: \(note)") }
    }
}

/// Hosts many timers; each tick records how late it runs after its deadline.
@NanoService
final class TimerHost {
    private var lateness: [Int64] = []
    private let periodNanoseconds: Int64

    init(timers count: Int, period: Duration) {
        periodNanoseconds = period.components.seconds * 1_000_000_000 + period.components.attoseconds / 1_000_000_000
        lateness.reserveCapacity(count * 8)
        for key in 0..<count {
            let offset = Duration.nanoseconds(Int64.random(in: 0..<periodNanoseconds))
            let firstDeadline = ContinuousClock.now + offset
            timers.start(key, every: period, firstAfter: offset) { $0.tick(firstDeadline: firstDeadline) }
        }
    }

    func tick(firstDeadline: ContinuousClock.Instant) {
        let since = ContinuousClock.now - firstDeadline
        let nanoseconds = since.components.seconds * 1_000_000_000 + since.components.attoseconds / 1_000_000_000
        lateness.append(nanoseconds % periodNanoseconds)
    }

    public func activeTimers() -> Int { timers.count }

    /// Ends the timers and hands over the lateness of every tick handled.
    public func stopTimersAndReport() -> [Int64] {
        timers.cancelAll()
        return lateness
    }
}
