import NanoServices
import Testing

/// Flushes to a sink the test can read directly, without going through the service.
@NanoService
final class Flusher {
    private let flushed: Protected<Int>
    private let gate: AsyncGate
    init(flushed: Protected<Int>, gate: AsyncGate) {
        self.flushed = flushed
        self.gate = gate
    }

    /// An `async` method returning nothing: a call, so `try await flusher.flush()` waits.
    public func flush() async {
        await gate.wait()
        flushed.withLock { $0 += 1 }
    }

    /// The same, marked `@Cast`: fire-and-forget.
    @Cast public func flushLater() async {
        await gate.wait()
        flushed.withLock { $0 += 1 }
    }

    public func count() -> Int { flushed.withLock { $0 } }
}

@Suite("async methods returning nothing")
struct AsyncVoidMethodTests {
    @Test("'try await' on an async Void method returns once the method has finished", .timeLimit(.minutes(15)))
    func asyncVoidMethodIsACall() async throws {
        let flushed = Protected(0)
        let gate = AsyncGate()
        let flusher = try Flusher.Service(flushed: flushed, gate: gate)
        let opener = Task {
            // Opens the gate only once the service is inside `flush()`, waiting on it.
            while gate.waiting == 0 { await Task.yield() }
            gate.open()
        }
        try await flusher.flush()
        #expect(flushed.withLock { $0 } == 1)   // a cast would return before the gate opened
        await opener.value
        try await flusher.control.stop()
    }

    @Test("an async Void method marked @Cast returns at once", .timeLimit(.minutes(15)))
    func asyncCastDoesNotWait() async throws {
        let flushed = Protected(0)
        let gate = AsyncGate()
        let flusher = try Flusher.Service(flushed: flushed, gate: gate)
        flusher.flushLater()                        // a call would wait for the closed gate forever
        #expect(flushed.withLock { $0 } == 0)
        gate.open()
        #expect(try await flusher.count() == 1)     // the next message runs after the method ends
        try await flusher.control.stop()
    }

    @Test("a stopped service fails an async Void call with 'stopped'", .timeLimit(.minutes(15)))
    func asyncVoidCallReportsStop() async throws {
        let gate = AsyncGate()
        gate.open()
        let flusher = try Flusher.Service(flushed: Protected(0), gate: gate)
        try await flusher.control.stop()
        await #expect(throws: ServiceError.self) { try await flusher.flush() }
    }
}
