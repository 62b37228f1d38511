/// A plain-text table: a header row, a rule, and the rows. Numbers are right-aligned; the
/// first and the last column (names and comparisons) are left-aligned.
struct Table {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns to left-align besides the first and the last.
    var leftAligned: Set<Int> = []

    init(_ headers: String...) { self.headers = headers }

    mutating func add(_ cells: String...) { rows.append(cells) }

    func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var text = cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: max(widths[index] - cell.count, 0))
                let left = index == 0 || index == cells.count - 1 || leftAligned.contains(index)
                return left ? cell + padding : padding + cell
            }.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        var out = [line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }
}
