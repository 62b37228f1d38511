import Foundation

/// Number formatting for the tables.
enum Format {
    static func nanoseconds(_ value: Double) -> String {
        if value >= 1_000_000_000 { return String(format: "%.2f s", value / 1_000_000_000) }
        if value >= 1_000_000 { return String(format: "%.2f ms", value / 1_000_000) }
        if value >= 10_000 { return String(format: "%.1f µs", value / 1_000) }
        if value >= 1_000 { return String(format: "%.2f µs", value / 1_000) }
        if value >= 100 { return String(format: "%.0f ns", value) }
        return String(format: "%.1f ns", value)
    }

    static func rate(_ value: Double) -> String {
        if value >= 1e6 { return String(format: "%.2f M/s", value / 1e6) }
        if value >= 1e3 { return String(format: "%.1f k/s", value / 1e3) }
        return String(format: "%.1f /s", value)
    }

    static func ratio(_ value: Double) -> String {
        value >= 10 ? String(format: "%.0f×", value) : String(format: "%.1f×", value)
    }

    static func mebibytes(_ bytes: Double) -> String { String(format: "%.1f MiB", bytes / 1_048_576) }

    static func count(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return String(out.reversed())
    }

    /// "nano is 4.2× faster than X" / "X is 1.5× faster than nano".
    static func comparison(_ speedup: Double, peer: String) -> String {
        if speedup >= 1 { return "nano is \(ratio(speedup)) faster than \(peer)" }
        return "\(peer) is \(ratio(1 / speedup)) faster than nano"
    }
}
