import Foundation

/// The `--json PATH` output: every case, every row (with ns/op, ops/s and the ratio), every
/// target check.
struct JSONReport: Encodable {
    struct Row: Encodable {
        var peer: String
        var isNano: Bool
        var operations: Int
        var bestNanoseconds: UInt64
        var nanosecondsPerOperation: Double
        var operationsPerSecond: Double
        /// How many times faster NanoServices' reference row is than this row.
        var nanoSpeedup: Double?
        var note: String?
        var extra: [String: Double]
    }

    struct Case: Encodable {
        var id: String
        var title: String
        var repetitions: Int
        var rows: [Row]
        var targets: [TargetCheck]
        var notes: [String]
    }

    var quick: Bool
    var repetitions: Int
    var cores = ProcessInfo.processInfo.activeProcessorCount
    var cases: [Case]

    init(quick: Bool, repetitions: Int, cases: [CaseReport]) {
        self.quick = quick
        self.repetitions = repetitions
        self.cases = cases.map { report in
            Case(id: report.id, title: report.title, repetitions: report.repetitions,
                 rows: report.measurements.map { row in
                     Row(peer: row.peer, isNano: row.isNano, operations: row.operations, bestNanoseconds: row.bestNanoseconds,
                         nanosecondsPerOperation: row.nanosecondsPerOperation, operationsPerSecond: row.operationsPerSecond,
                         nanoSpeedup: report.speedup(over: row.peer), note: row.note, extra: row.extra)
                 },
                 targets: report.targets, notes: report.notes)
        }
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }
}
