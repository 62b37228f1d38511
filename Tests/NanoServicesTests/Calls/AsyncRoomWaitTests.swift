import Foundation
import NanoServices
import Testing

/// An `async` call waiting for room in a full `.block` mailbox gives up like any other wait:
/// on its time limit and on cancellation, and a call that gave up is never delivered.
@Suite("Async calls waiting for room")
struct AsyncRoomWaitTests {
    /// A sink whose mailbox (capacity 2) is full: one message stuck on the gate, one queued.
    private func fullSink(_ counters: SinkCounters, gate: DispatchSemaphore) throws -> Sink.Service {
        let sink = try Sink.Service(
            counters: counters, gate: gate,
            options: .init(mailbox: .bounded(capacity: 2, whenFull: .block)))
        sink.absorb(0)  // stuck on the gate, counted until handled
        sink.absorb(1)  // the mailbox is now full
        return sink
    }

    @Test("a per-call-site timeout ends the wait for room; the call is not delivered later",
          .timeLimit(.minutes(15)))
    func timeoutWhileWaitingForRoom() async throws {
        let gate = DispatchSemaphore(value: 0)
        let counters = SinkCounters()
        let sink = try fullSink(counters, gate: gate)
        let error = await #expect(throws: ServiceError.self) {
            try await sink.timingOut(after: .milliseconds(100)).absorbAndConfirm(2)
        }
        #expect(error?.code == .timeout)
        gate.signal()
        try await sink.control.stop()  // graceful: everything accepted is handled
        #expect(counters.handled.load(ordering: .relaxed) == 2)
    }

    @Test("the service's default call timeout also ends the wait for room", .timeLimit(.minutes(15)))
    func defaultTimeoutWhileWaitingForRoom() async throws {
        let gate = DispatchSemaphore(value: 0)
        let counters = SinkCounters()
        let sink = try Sink.Service(
            counters: counters, gate: gate,
            options: .init(callTimeout: .milliseconds(50), mailbox: .bounded(capacity: 1, whenFull: .block)))
        sink.absorb(0)
        let error = await #expect(throws: ServiceError.self) { try await sink.absorbAndConfirm(1) }
        #expect(error?.code == .timeout)
        gate.signal()
        try await sink.control.stop()
        #expect(counters.handled.load(ordering: .relaxed) == 1)
    }

    @Test("cancelling the calling task ends the wait for room with CancellationError; the call is not delivered",
          .timeLimit(.minutes(15)))
    func cancelWhileWaitingForRoom() async throws {
        let gate = DispatchSemaphore(value: 0)
        let counters = SinkCounters()
        let sink = try fullSink(counters, gate: gate)
        let call = Task { try await sink.absorbAndConfirm(2) }
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        gate.signal()
        try await sink.control.stop()
        #expect(counters.handled.load(ordering: .relaxed) == 2)
    }

    @Test("cancelling one waiter leaves the others waiting; they are delivered once there is room",
          .timeLimit(.minutes(15)))
    func cancelOneOfSeveralWaiters() async throws {
        let gate = DispatchSemaphore(value: 0)
        let counters = SinkCounters()
        let sink = try fullSink(counters, gate: gate)
        let cancelled = Task { try await sink.absorbAndConfirm(2) }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        let waiting = Task { try await sink.absorbAndConfirm(3) }
        gate.signal()
        try await waiting.value
        try await sink.control.stop()
        #expect(counters.handled.load(ordering: .relaxed) == 3)
    }

    @Test("on a pool too: a timeout or a cancellation ends the wait for room; neither call is delivered later",
          .timeLimit(.minutes(15)))
    func pooledServiceWaitForRoomGivesUp() async throws {
        let pool = ServicePool(name: "room-wait", threads: 2)
        let gate = DispatchSemaphore(value: 0)
        let counters = SinkCounters()
        let sink = try Sink.Service(
            counters: counters, gate: gate,
            options: .init(placement: .pool(pool), mailbox: .bounded(capacity: 2, whenFull: .block)))
        sink.absorb(0)  // stuck on the gate (holding one pool thread), counted until handled
        sink.absorb(1)  // the mailbox is now full
        let error = await #expect(throws: ServiceError.self) {
            try await sink.timingOut(after: .milliseconds(100)).absorbAndConfirm(2)
        }
        #expect(error?.code == .timeout)
        let call = Task { try await sink.absorbAndConfirm(3) }
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        gate.signal()
        try await sink.control.stop()
        #expect(counters.handled.load(ordering: .relaxed) == 2)
        try await pool.shutdown()
    }
}
