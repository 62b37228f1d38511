import Foundation
import Glibc
import Synchronization

/// `nano-remote-example host PORT` as a child process, for tests across real processes on
/// loopback. Reads the child's standard output on its own thread, so that a test can await a
/// line (`serving`, `stalling`) instead of sleeping.
///
/// `@unchecked Sendable`: `process` (not `Sendable`) is only touched by the test's task
/// (`init`, `kill()`); the reader thread only touches `output`, which is under a lock.
final class ChildHost: @unchecked Sendable {
    private let process: Process
    private let output = Mutex<(text: String, waiters: [(String, CheckedContinuation<Void, Never>)])>(("", []))
    /// Set once the child's output has ended (it exited), with those waiting for it.
    private let ended = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Starts the host on `port`; it is ready once ``waitFor(_:)`` saw `serving`.
    init(port: Int) throws {
        process = Process()
        process.executableURL = try Self.executable()
        process.arguments = ["host", String(port)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let reader = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let data = reader.availableData
                if data.isEmpty {
                    let waiters = ended.withLock { state in
                        state.done = true
                        defer { state.waiters = [] }
                        return state.waiters
                    }
                    waiters.forEach { $0.resume() }
                    break
                }
                let ready = output.withLock { state in
                    state.text += String(decoding: data, as: UTF8.self)
                    let text = state.text
                    let ready = state.waiters.filter { text.contains($0.0) }
                    state.waiters.removeAll { text.contains($0.0) }
                    return ready
                }
                ready.forEach { $0.1.resume() }
            }
        }
    }

    /// Suspends until the child has printed `text` (at any time since it started).
    func waitFor(_ text: String) async {
        await withCheckedContinuation { continuation in
            let seen = output.withLock { state in
                if state.text.contains(text) { return true }
                state.waiters.append((text, continuation))
                return false
            }
            if seen { continuation.resume() }
        }
    }

    /// Everything the child has printed so far.
    var text: String { output.withLock { $0.text } }

    /// Suspends until the child's output has ended (after it exited): ``text`` is then whole.
    func waitForEndOfOutput() async {
        await withCheckedContinuation { continuation in
            let done = ended.withLock { state in
                if state.done { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Kills the child at once (SIGKILL: no graceful shutdown) and waits for it to exit.
    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The example executable, built beside the test bundle.
    private static func executable() throws -> URL {
        let candidates = [Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])]
            .compactMap { $0?.deletingLastPathComponent().appendingPathComponent("nano-remote-example") }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw ChildHostError(message: "nano-remote-example not found beside the tests (\(candidates))")
        }
        return found
    }
}

struct ChildHostError: Error {
    let message: String
}
