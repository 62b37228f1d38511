import Foundation

/// What a child process measured, printed as one JSON line after ``ChildResult/marker``.
struct ChildResult: Codable, Sendable {
    static let marker = "NANO-BENCH-CHILD "

    /// Wall time of the measured work.
    var nanoseconds: UInt64
    /// The child's own `VmHWM` at the end, in bytes (the child's whole life, baseline included).
    var peakResidentBytes: Int
    /// The child's thread count at its peak (all services alive).
    var maxThreads: Int
    /// Wall time of the spawns alone (the first part of `nanoseconds`), when the task has them.
    var spawnNanoseconds: UInt64? = nil

    func emit() throws {
        let data = try JSONEncoder().encode(self)
        print(Self.marker + String(decoding: data, as: UTF8.self))
    }
}

/// Runs this same binary as `nano-bench --child TASK` and returns what it measured.
/// A fresh process per measurement, because `VmHWM` is process-wide and never goes down.
func runChild(_ task: String) throws -> ChildResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    process.arguments = ["--child", task]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0,
          let line = text.split(separator: "\n").last(where: { $0.hasPrefix(ChildResult.marker) })
    else {
        throw ChildFailure(task: task, status: process.terminationStatus, output: text)
    }
    return try JSONDecoder().decode(ChildResult.self, from: Data(line.dropFirst(ChildResult.marker.count).utf8))
}

struct ChildFailure: Error, CustomStringConvertible {
    var task: String
    var status: Int32
    var output: String
    var description: String { "child '\(task)' failed with status \(status): \(output.suffix(500))" }
}
