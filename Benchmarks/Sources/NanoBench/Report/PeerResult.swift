/// One peer's best result in one case.
struct PeerResult: Sendable {
    /// Who ran it, e.g. "NanoServices call" or "DispatchQueue async+semaphore".
    var peer: String
    /// Operations per timed run (casts, calls, messages, services…).
    var operations: Int
    /// The best (lowest) wall time of one timed run, in nanoseconds.
    var bestNanoseconds: UInt64
    /// A short remark printed under the table (thread hop or not, copied or not…).
    var note: String?
    /// Whether this row is NanoServices, the row the others are compared with.
    var isNano: Bool
    /// Case-specific readings: peak RSS, threads, copies…
    var extra: [String: Double] = [:]

    var nanosecondsPerOperation: Double { Double(bestNanoseconds) / Double(max(operations, 1)) }
    var operationsPerSecond: Double { 1e9 / max(nanosecondsPerOperation, 1e-9) }
}

/// Whether one target from the issue is met, as measured in this run.
struct TargetCheck: Codable, Sendable {
    var target: String
    var met: Bool
    var measured: String
}

/// Everything one case measured.
struct CaseReport: Sendable {
    /// Stable id used by `--filter` and in the JSON (`cast-1-producer`, …).
    var id: String
    var title: String
    var repetitions: Int
    var measurements: [PeerResult]
    var targets: [TargetCheck] = []
    var notes: [String] = []

    /// The row every other row is compared with: the first NanoServices row.
    var reference: PeerResult? { measurements.first(where: \.isNano) }

    func measurement(_ peer: String) -> PeerResult? { measurements.first { $0.peer == peer } }

    /// How many times faster the reference is than `peer` (>1: NanoServices is faster).
    func speedup(over peer: String) -> Double? {
        guard let reference, let other = measurement(peer) else { return nil }
        return other.nanosecondsPerOperation / reference.nanosecondsPerOperation
    }

    /// Records whether the reference row (observability on, no backend) costs at most
    /// `percent`% more per operation than `baseline` (the same work with statistics off).
    mutating func requireObservabilityCost(below percent: Double, comparedWith baseline: String) {
        guard let reference, let bare = measurement(baseline) else { return }
        let overhead = reference.nanosecondsPerOperation / bare.nanosecondsPerOperation - 1
        targets.append(TargetCheck(
            target: "observability, no backend: within \(Int(percent))% of \(baseline)",
            met: overhead <= percent / 100, measured: String(format: "%+.1f%%", overhead * 100)))
    }

    /// Records whether NanoServices is at least `factor`× faster than `peer`.
    mutating func requireSpeedup(_ factor: Double, over peer: String) {
        guard let ratio = speedup(over: peer) else { return }
        let label = factor == 1 ? "faster than \(peer)" : "≥\(Format.ratio(factor)) faster than \(peer)"
        targets.append(TargetCheck(target: label, met: ratio >= factor, measured: "\(Format.ratio(ratio))"))
    }

    /// Records whether the faster NanoServices row (own thread or pool, whichever placement
    /// suits the workload) is at least as fast as each of `peers` (issue 12's targets).
    mutating func requireBestNanoServices(atLeastAsFastAs peers: [String]) {
        guard let best = measurements.filter(\.isNano).min(by: { $0.nanosecondsPerOperation < $1.nanosecondsPerOperation })
        else { return }
        for peer in peers {
            guard let other = measurement(peer) else { continue }
            let ratio = other.nanosecondsPerOperation / best.nanosecondsPerOperation
            targets.append(TargetCheck(
                target: "best NanoServices row (\(best.peer)) at least as fast as \(peer)",
                met: ratio >= 1,
                measured: ratio >= 1 ? "nano \(Format.ratio(ratio)) faster" : "peer \(Format.ratio(1 / ratio)) faster"))
        }
    }
}
