/// One competitor in a case: a peer's name and a body that performs `operations` operations
/// and returns the nanoseconds they took (set-up and tear-down excluded by the body itself).
struct Contender {
    var peer: String
    var operations: Int
    var note: String?
    var isNano = false
    /// Timed runs at least this many (more than `--repetitions`): for rows compared with each
    /// other within a few percent, where one noisy run must not decide.
    var minimumRepetitions = 1
    var body: (Int) throws -> UInt64

    init(_ peer: String, operations: Int, nano: Bool = false, minimumRepetitions: Int = 1, note: String? = nil,
         _ body: @escaping (Int) throws -> UInt64) {
        self.peer = peer
        self.operations = operations
        self.isNano = nano
        self.minimumRepetitions = minimumRepetitions
        self.note = note
        self.body = body
    }
}

/// Settings shared by every case, from the command line.
struct BenchSettings: Sendable {
    var quick: Bool
    var repetitions: Int
    /// Only peers whose name contains this text run (for profiling one peer), or all.
    var peerFilter: String? = nil

    /// `full` in a normal run, `quick` in `--quick` smoke mode.
    func scaled(_ full: Int, quick: Int) -> Int { self.quick ? quick : full }

    /// Runs every contender `repetitions` times, round-robin (so a burst of noise from another
    /// process hurts every peer alike), and keeps each one's best run. One untimed warm-up
    /// run of a tenth of the operations comes first. Contenders asking for more runs
    /// (``Contender/minimumRepetitions``) keep taking turns after the others are done.
    func measure(_ allContenders: [Contender]) throws -> [PeerResult] {
        let contenders = allContenders.filter { peerFilter == nil || $0.peer.localizedCaseInsensitiveContains(peerFilter!) }
        for contender in contenders {
            _ = try contender.body(max(contender.operations / 10, 1))
        }
        var best = [UInt64](repeating: .max, count: contenders.count)
        let rounds = contenders.map { max(repetitions, quick ? 1 : $0.minimumRepetitions, 1) }
        for round in 0..<(rounds.max() ?? 0) {
            for (index, contender) in contenders.enumerated() where round < rounds[index] {
                let elapsed = try contender.body(contender.operations)
                best[index] = min(best[index], elapsed)
            }
        }
        return zip(contenders, best).map { contender, nanoseconds in
            PeerResult(peer: contender.peer, operations: contender.operations, bestNanoseconds: nanoseconds,
                        note: contender.note, isNano: contender.isNano)
        }
    }
}

/// A benchmark case: measures, checks its targets and prints its own table.
protocol BenchCase {
    /// Stable id for `--filter` and the JSON output.
    var id: String { get }
    func run(_ settings: BenchSettings) throws -> CaseReport
    func printReport(_ report: CaseReport)
}

extension BenchCase {
    /// Prints the case's table; the default is ns/op, ops/s and the ratios.
    func printReport(_ report: CaseReport) { report.printTable() }
}

/// Times `ops` awaited round trips (each answer feeds the next call) inside one task, from a
/// blocking caller. The answers must count up to `ops`.
func timeAwaitedRoundTrips(_ ops: Int, _ call: @escaping @Sendable (Int) async throws -> Int) throws -> UInt64 {
    try blockingAwait {
        try await MonotonicClock.measure {
            var value = 0
            for _ in 0..<ops { value = try await call(value) }
            precondition(value == ops)
        }
    }
}
