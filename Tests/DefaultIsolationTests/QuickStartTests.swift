import Foundation
import NanoServices
import Testing

// This target is built with `.defaultIsolation(MainActor.self)`: every declaration below
// without an explicit isolation is `@MainActor`, as in a new Xcode app target.

// The README's quick start, unchanged (its statements are the body of `quickStart()`, which is
// `nonisolated` so that the test can run it on a thread of its own: its blocking call would
// otherwise tie up a cooperative thread, and the runtime warns about that).

@NanoService
nonisolated final class Counter {                // its own thread, not the main actor
    private var total: Int                       // confined to the service's thread: no locks
    init(start: Int) { total = start }

    public func add(_ n: Int) { total += n }     // cast: returns at once
    public func current() -> Int { total }       // call: the caller waits for the answer
    func helper() {}                             // not public: not part of the interface
}

nonisolated func quickStart() throws {
    let counter = try Counter.Service(start: 5)      // spawns a thread named "Counter"; init runs there
    counter.add(3)                                   // enqueued, FIFO per sender
    print(try counter.current())                     // 8 — blocks this thread until the answer
    try counter.control.stop()                       // graceful: drains the queue, ends the thread
}

/// The quick start compiles and runs in a module whose default isolation is `MainActor`.
@Suite struct QuickStartTests {
    @Test(.timeLimit(.minutes(15))) func quickStartRuns() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread { continuation.resume(with: Result { try quickStart() }) }.start()
        }
    }

    /// The code above is the README's quick start: every line of the README's first Swift
    /// block is a line of this file, in the same order (the statements are indented here).
    @Test func readmeQuickStartIsTheOneCompiledHere() throws {
        let thisFile = URL(fileURLWithPath: #filePath)
        let readme = thisFile.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let readmeText = try String(contentsOf: readme, encoding: .utf8)
        let blockStart = try #require(readmeText.range(of: "```swift\n"))
        let blockEnd = try #require(readmeText.range(of: "```", range: blockStart.upperBound..<readmeText.endIndex))
        let quickStart = readmeText[blockStart.upperBound..<blockEnd.lowerBound]
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var remaining = try String(contentsOf: thisFile, encoding: .utf8)
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }[...]
        for line in quickStart {
            let found = remaining.firstIndex(of: line)
            #expect(found != nil, "README quick start line not found here, in order: \(line)")
            guard let found else { return }
            remaining = remaining[(found + 1)...]
        }
    }

    @Test(.timeLimit(.minutes(15))) func mainActorCodeUsesTheHandle() async throws {
        let counter = try Counter.Service(start: 5)
        counter.add(3)
        #expect(try await counter.current() == 8)
        try await counter.control.stop()
    }

    @Test(.timeLimit(.minutes(15))) func handleCrossesToAnotherTask() async throws {
        let counter = try Counter.Service(start: 1)
        let total = try await Task.detached { counter.add(1); return try await counter.current() }.value
        #expect(total == 2)
        try await counter.control.stop()
    }
}
