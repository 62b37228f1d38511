extension CaseReport {
    /// The standard table: ns/op, ops/s and how NanoServices compares with each peer.
    func printTable() {
        print("")
        print("== \(title)  [\(id), best of \(repetitions)]")
        var table = Table("peer", "ops/run", "ns/op", "ops/s", "NanoServices vs peer")
        for row in measurements {
            let comparison: String
            if row.isNano {
                comparison = row.peer == reference?.peer ? "(reference)" : ratioToReference(row)
            } else if let speedup = speedup(over: row.peer) {
                comparison = Format.comparison(speedup, peer: row.peer)
            } else {
                comparison = "-"
            }
            table.add(row.peer, Format.count(row.operations), Format.nanoseconds(row.nanosecondsPerOperation),
                      Format.rate(row.operationsPerSecond), comparison)
        }
        print(table.render())
        printFooter()
    }

    /// A second NanoServices row, compared with the first (payload vs Int).
    private func ratioToReference(_ row: PeerResult) -> String {
        guard let reference else { return "-" }
        let ratio = row.nanosecondsPerOperation / reference.nanosecondsPerOperation
        return "\(Format.ratio(ratio)) the time of \(reference.peer)"
    }

    func printFooter() {
        for row in measurements {
            if let note = row.note { print("  * \(row.peer): \(note)") }
        }
        for note in notes { print("  * \(note)") }
        for check in targets {
            print("  target \(check.met ? "MET   " : "MISSED") \(check.target): measured \(check.measured)")
        }
    }
}
