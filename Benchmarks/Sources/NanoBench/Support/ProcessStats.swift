import Foundation

/// Readings from `/proc/self/status` (Linux). `nil` where the file or field is missing.
enum ProcessStats {
    /// Peak resident set size of this process so far (`VmHWM`), in bytes. Process-wide and
    /// monotonic: it never goes down, so a clean peak needs a fresh process.
    static var peakResidentBytes: Int? { field("VmHWM").map { $0 * 1024 } }

    /// Current resident set size (`VmRSS`), in bytes.
    static var residentBytes: Int? { field("VmRSS").map { $0 * 1024 } }

    /// Number of threads of this process right now (`Threads`).
    static var threadCount: Int? { field("Threads") }

    private static func field(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let digits = line.dropFirst(name.count + 1).filter(\.isNumber)
            return Int(digits)
        }
        return nil
    }
}
