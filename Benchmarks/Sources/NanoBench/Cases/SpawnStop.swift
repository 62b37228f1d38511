import Foundation
import NanoServices

/// Case (d): spawn N services, make one call to each, stop them all; wall time, the peak
/// RSS and the thread count, each measured in a fresh child process of this binary.
struct SpawnStop: BenchCase {
    var count: Int
    /// The peers to run (keys of ``peers``), or every one. A million services leave out the
    /// placements with a thread per instance.
    var peerKeys: [String]? = nil
    var id: String {
        "spawn-\(count >= 1_000_000 ? "\(count / 1_000_000)m" : count >= 1000 ? "\(count / 1000)k" : "\(count)")"
    }

    /// The peers, as named on the `--child spawn:PEER:COUNT` command line.
    static let peers: [(key: String, name: String, note: String?)] = [
        ("nano", "NanoServices", "default options (512 KiB stacks, 50 µs spin before parking)"),
        ("nano-nospin", "NanoServices spin 0", "`spinBeforeParking: .zero`: callers and services park at once"),
        ("nano-pool", poolPeer, "`placement: .pool(ServicePool())`: every service on one pool of \(ServicePool.coreCount) threads (one per core)"),
        ("naive", "naive Thread+cond", "Foundation `Thread` (default 8 MiB stack) + NSCondition queue; call via semaphore"),
        ("actor", "actor", "default executor: no thread per instance (the cooperative pool's threads)"),
        ("pthread", floorPeer, "no library, no queue, no call: pthreads with 16 KiB stacks that only wait on one condition — what any design with one thread per instance pays at least"),
    ]
    static let poolPeer = "NanoServices on a pool"
    static let floorPeer = "bare pthreads (floor)"

    func run(_ settings: BenchSettings) throws -> CaseReport {
        let baseline = try runChild("idle")
        var measurements: [PeerResult] = []
        for peer in Self.peers where peerKeys?.contains(peer.key) ?? true {
            var best: ChildResult?
            var peakRSS = 0
            var threads = 0
            for _ in 0..<max(settings.repetitions, 1) {
                let result = try runChild("spawn:\(peer.key):\(count)")
                if best == nil || result.nanoseconds < best!.nanoseconds { best = result }
                peakRSS = max(peakRSS, result.peakResidentBytes)
                threads = max(threads, result.maxThreads)
            }
            var row = PeerResult(peer: peer.name, operations: count, bestNanoseconds: best!.nanoseconds,
                                  note: peer.note, isNano: peer.key.hasPrefix("nano"))
            row.extra = ["peakRSSBytes": Double(peakRSS), "maxThreads": Double(threads),
                         "baselinePeakRSSBytes": Double(baseline.peakResidentBytes)]
            if let spawn = best!.spawnNanoseconds { row.extra["spawnNanoseconds"] = Double(spawn) }
            measurements.append(row)
        }
        var report = CaseReport(id: id, title: "spawn + one call + stop, \(Format.count(count)) services (each run in a fresh child process)",
                                repetitions: settings.repetitions, measurements: measurements)
        report.notes.append("peak RSS is the child's own VmHWM (worst of \(settings.repetitions) runs); an idle child peaks at \(Format.mebibytes(Double(baseline.peakResidentBytes)))")
        report.notes.append("spawn/service: the spawns alone (the first of the three loops: spawn all, call each, stop all), in the best run; - where a peer has no separate spawn")
        if count >= 1_000_000 {
            // Issue 12's targets for a million pooled services.
            if let pool = report.measurement(Self.poolPeer), let rss = pool.extra["peakRSSBytes"],
               let idle = pool.extra["baselinePeakRSSBytes"] {
                let seconds = Double(pool.bestNanoseconds) / 1e9
                report.targets.append(TargetCheck(target: "1M pooled services spawn, answer a call and stop in ≤ 2 s", met: seconds <= 2,
                                                  measured: String(format: "%.2f s", seconds)))
                report.targets.append(TargetCheck(target: "peak RSS ≤ 1 GiB at 1M pooled services", met: rss <= 1_073_741_824,
                                                  measured: Format.mebibytes(rss)))
                let perService = (rss - idle) / Double(count)
                report.targets.append(TargetCheck(target: "≤ 1 KiB per pooled service (above an idle process)", met: perService <= 1024,
                                                  measured: String(format: "%.2f KiB", perService / 1024)))
                if let spawn = pool.extra["spawnNanoseconds"] {
                    let perSpawn = spawn / Double(count)
                    report.targets.append(TargetCheck(target: "a pooled service spawns in ≤ 1 µs (the spawns alone, best run)", met: perSpawn <= 1000,
                                                      measured: Format.nanoseconds(perSpawn)))
                }
            }
        } else if count >= 10_000 {
            report.requireSpeedup(1, over: "naive Thread+cond")
            for row in [report.reference, report.measurement(Self.poolPeer)].compactMap({ $0 }) {
                guard let rss = row.extra["peakRSSBytes"] else { continue }
                report.targets.append(TargetCheck(target: "peak RSS ≤ 64 MiB at 10k services (\(row.peer))", met: rss <= 64 * 1_048_576,
                                                  measured: Format.mebibytes(rss)))
            }
            if let floor = report.measurement(Self.floorPeer), let rss = floor.extra["peakRSSBytes"],
               let idle = floor.extra["baselinePeakRSSBytes"] {
                report.notes.append("one thread per instance cannot fit 10k instances in 64 MiB here: bare pthreads alone peak at \(Format.mebibytes(rss)) (\(String(format: "%.1f", (rss - idle) / 1024 / Double(count))) KiB per thread above an idle process); the pool placement is the answer for that many services")
            }
        }
        return report
    }

    func printReport(_ report: CaseReport) {
        print("")
        print("== \(report.title)  [\(report.id), best of \(report.repetitions)]")
        var table = Table("peer", "services", "wall", "wall/service", "spawn/service", "peak RSS", "above idle", "RSS/service",
                          "max threads", "NanoServices vs peer")
        for row in report.measurements {
            let comparison: String
            if row.peer == report.reference?.peer {
                comparison = "(reference)"
            } else if let speedup = report.speedup(over: row.peer) {
                comparison = Format.comparison(speedup, peer: row.peer)
            } else {
                comparison = "-"
            }
            let peak = row.extra["peakRSSBytes"] ?? 0
            let above = max(peak - (row.extra["baselinePeakRSSBytes"] ?? 0), 0)
            table.add(row.peer, Format.count(row.operations), Format.nanoseconds(Double(row.bestNanoseconds)),
                      Format.nanoseconds(row.nanosecondsPerOperation),
                      row.extra["spawnNanoseconds"].map { Format.nanoseconds($0 / Double(row.operations)) } ?? "-",
                      Format.mebibytes(peak), Format.mebibytes(above), String(format: "%.1f KiB", above / 1024 / Double(row.operations)),
                      "\(Int(row.extra["maxThreads"] ?? 0))", comparison)
        }
        print(table.render())
        report.printFooter()
    }
}
