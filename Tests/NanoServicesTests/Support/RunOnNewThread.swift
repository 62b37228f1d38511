import Foundation

/// Runs `body` on a new OS thread and suspends until it returns: synchronous (blocking)
/// calls in tests run on real threads, never on the cooperative pool.
func runOnNewThread<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Swift.Result { try body() })
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
