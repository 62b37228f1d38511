import Foundation
import NanoServices
import Testing

/// README, "Bounded mailboxes": what a *call* meets at a full mailbox, blocking and awaited,
/// for each policy that refuses it, and what a stop does to a call waiting for room.
@Suite("Calls to a full mailbox")
struct FullMailboxCallTests {
    /// A sink whose mailbox (capacity 2) is full: one message stuck on the gate, one queued.
    /// Pooled on a pool of 2 threads when `pool` is given (the stuck message holds one).
    private func fullSink(
        _ counters: SinkCounters, gate: DispatchSemaphore, whenFull: MailboxPolicy.WhenFull,
        pool: ServicePool? = nil, callTimeout: Duration? = nil
    ) throws -> Sink.Service {
        let sink = try Sink.Service(
            counters: counters, gate: gate,
            options: .init(placement: pool.map { .pool($0) } ?? .ownThread, callTimeout: callTimeout,
                           mailbox: .bounded(capacity: 2, whenFull: whenFull)))
        sink.absorb(0)
        sink.absorb(1)
        return sink
    }

    /// The code a blocking call to `sink` throws from a plain thread, or `nil` if it answers.
    private func blockingCallCode(_ call: @escaping @Sendable () throws -> Void) async throws -> ServiceError.Code? {
        try await runOnNewThread { () -> ServiceError.Code? in
            do {
                try call()
                return nil
            } catch let error as ServiceError {
                return error.code
            }
        }
    }

    @Test("with .fail or .dropNewest a call throws mailboxFull at once, awaited or blocking, own thread or pooled; it is never delivered, and a cast is dropped and counted",
          .timeLimit(.minutes(15)), arguments: [MailboxPolicy.WhenFull.fail, .dropNewest], [false, true])
    func refusedCall(whenFull: MailboxPolicy.WhenFull, pooled: Bool) async throws {
        let pool = pooled ? ServicePool(name: "full-call", threads: 2) : nil
        let gate = DispatchSemaphore(value: 0)
        let counters = SinkCounters()
        let sink = try fullSink(counters, gate: gate, whenFull: whenFull, pool: pool)
        let awaited = await #expect(throws: ServiceError.self) { try await sink.absorbAndConfirm(2) }
        #expect(awaited?.code == .mailboxFull)
        #expect(try await blockingCallCode { try sink.absorbAndConfirm(3) } == .mailboxFull)
        sink.absorb(4)
        #expect(sink.control.droppedCasts == 1)
        #expect(counters.handled.load(ordering: .relaxed) == 0)  // nothing waited for room
        gate.signal()
        try await sink.control.stop()
        #expect(counters.handled.load(ordering: .relaxed) == 2)  // the refused calls never ran
        try await pool?.shutdown()
    }

    @Test("with .block a blocking call waiting for room gives up at the call site's limit or the service's default; it is never delivered",
          .timeLimit(.minutes(15)), arguments: [false, true])
    func blockingCallTimesOutWaitingForRoom(serviceDefault: Bool) async throws {
        let gate = DispatchSemaphore(value: 0)
        let counters = SinkCounters()
        let sink = try fullSink(counters, gate: gate, whenFull: .block,
                                callTimeout: serviceDefault ? .milliseconds(50) : nil)
        let code = try await blockingCallCode {
            if serviceDefault {
                try sink.absorbAndConfirm(2)
            } else {
                try sink.timingOut(after: .milliseconds(100)).absorbAndConfirm(2)
            }
        }
        #expect(code == .timeout)
        #expect(counters.handled.load(ordering: .relaxed) == 0)  // gave up while the gate was shut
        gate.signal()
        try await sink.control.stop()
        #expect(counters.handled.load(ordering: .relaxed) == 2)
    }

    @Test("a stop releases an awaited call waiting for room: it throws stopped while the service is still stuck",
          .timeLimit(.minutes(15)), arguments: [StopMode.graceful, .immediate])
    func stopReleasesAwaitedCallWaitingForRoom(mode: StopMode) async throws {
        let gate = DispatchSemaphore(value: 0)
        let counters = SinkCounters()
        let sink = try fullSink(counters, gate: gate, whenFull: .block)
        let call = Task { try await sink.absorbAndConfirm(2) }
        try await Task.sleep(for: .milliseconds(20))  // waiting for room by now (stopped either way)
        sink.control.requestStop(mode)
        let error = await #expect(throws: ServiceError.self) { try await call.value }
        #expect(error?.code == .stopped)
        #expect(sink.control.state == .stopping)  // released before the stuck message ended
        gate.signal()
        try await sink.control.join()
        #expect(counters.handled.load(ordering: .relaxed) == (mode == .graceful ? 2 : 1))
    }
}
