import Foundation
import NanoServices
import Synchronization
import Testing

@Suite("Call timeouts")
struct TimeoutTests {
    /// A sleeper with its own thread, or on a pool of its own (`pool` is then to be shut down).
    /// On a pool a call with a time limit always goes through a pool thread (never inline on
    /// the caller's), so it can give up while the method runs.
    private func sleeper(pooled: Bool, options: ServiceOptions = .init()) throws -> (Sleeper.Service, ServicePool?) {
        guard pooled else { return (try Sleeper.Service(counter: ReleaseCounter(), options: options), nil) }
        let pool = ServicePool(name: "timeouts", threads: 2)
        var options = options
        options.placement = .pool(pool)
        return (try Sleeper.Service(counter: ReleaseCounter(), options: options), pool)
    }

    @Test("a call slower than its timeout throws `timeout` long before the answer; the next call succeeds (own thread or pooled)",
          arguments: [false, true])
    func blockingTimeout(pooled: Bool) async throws {
        let (sleeper, pool) = try sleeper(pooled: pooled)
        let (error, elapsed, next) = try await runOnNewThread { () -> (ServiceError?, Duration, Int) in
            let started = ContinuousClock.now
            var caught: ServiceError?
            do {
                _ = try sleeper.timingOut(after: .milliseconds(50)).nap(milliseconds: 3_000)
            } catch let error as ServiceError {
                caught = error
            }
            let elapsed = ContinuousClock.now - started
            return (caught, elapsed, try sleeper.nap(milliseconds: 0))
        }
        #expect(error?.code == .timeout)
        #expect(error?.message.contains("nap(milliseconds:)") == true)
        #expect(elapsed >= .milliseconds(50))
        #expect(elapsed < .milliseconds(2_500)) // gave up long before the answer (generous: loaded CI machines)
        #expect(next == 2) // the service kept working
        try await pool?.shutdown()
    }

    @Test("a limit shorter than the spin (it parks at once) still times out; an answer within a limit is returned")
    func shortLimitAndQuickAnswers() async throws {
        let sleeper = try Sleeper.Service(counter: ReleaseCounter())
        let (error, answers) = try await runOnNewThread { () -> (ServiceError?, [Int]) in
            var caught: ServiceError?
            do {
                _ = try sleeper.timingOut(after: .microseconds(100)).nap(milliseconds: 1_000)
            } catch let error as ServiceError {
                caught = error
            }
            // Answered at once (no clock read) and after a spin, under the same limit.
            let limited = sleeper.timingOut(after: .seconds(60))
            return (caught, try (0..<3).map { _ in try limited.nap(milliseconds: 0) })
        }
        #expect(error?.code == .timeout)
        #expect(answers == [2, 3, 4])
    }

    @Test("the service's default timeout applies to awaited and blocking calls, and a call site can override it (own thread or pooled)",
          arguments: [false, true])
    func defaultAndOverride(pooled: Bool) async throws {
        let (sleeper, pool) = try sleeper(pooled: pooled, options: .init(callTimeout: .milliseconds(30)))
        let error = await #expect(throws: ServiceError.self) { try await sleeper.nap(milliseconds: 300) }
        #expect(error?.code == .timeout)
        #expect(try await sleeper.timingOut(after: .seconds(5)).nap(milliseconds: 60) == 2)
        let (blocking, overridden) = try await runOnNewThread { () -> (ServiceError.Code?, Int) in
            var code: ServiceError.Code?
            do { _ = try sleeper.nap(milliseconds: 300) } catch let error as ServiceError { code = error.code }
            return (code, try sleeper.timingOut(after: .seconds(5)).nap(milliseconds: 60))
        }
        #expect(blocking == .timeout)
        #expect(overridden == 4)
        try await pool?.shutdown()
    }

    @Test("an async call slower than its timeout throws `timeout`; cancellation throws CancellationError (own thread or pooled)",
          arguments: [false, true])
    func asyncTimeoutAndCancellation(pooled: Bool) async throws {
        let (sleeper, pool) = try sleeper(pooled: pooled)
        let error = await #expect(throws: ServiceError.self) {
            try await sleeper.timingOut(after: .milliseconds(40)).nap(milliseconds: 300)
        }
        #expect(error?.code == .timeout)

        // The service is held until after the cancellation, so the answer cannot win.
        let gate = DispatchSemaphore(value: 0)
        let held = Task { try await sleeper.hold(until: gate) }
        let call = Task { try await sleeper.timingOut(after: .seconds(30)).nap(milliseconds: 1) }
        try await Task.sleep(for: .milliseconds(20))
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        gate.signal()
        _ = try await held.value
        #expect(try await sleeper.ping() >= 1)
        try await pool?.shutdown()
    }

    @Test("10,000 timed-out calls: every late answer is released, no thread is left behind")
    func manyTimedOutCalls() async throws {
        let counter = ReleaseCounter()
        let name = "timeouts"
        let sleeper = try Sleeper.Service(counter: counter, options: .named(name))
        let calls = isThreadSanitized ? 2_000 : 10_000
        // Keep the service busy until every call below has timed out while queued.
        let gate = DispatchSemaphore(value: 0)
        let busy = Task { try await sleeper.hold(until: gate) }
        while counter.napsStarted.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(1)) }
        let quick = sleeper.timingOut(after: .milliseconds(100))
        let timedOut = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<calls {
                group.addTask {
                    do {
                        _ = try await quick.answer()
                        return false
                    } catch let error as ServiceError where error.code == .timeout {
                        return true
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(timedOut == calls)
        gate.signal()
        _ = try await busy.value
        // The service handled each late call and dropped its answer.
        _ = try await sleeper.ping()
        #expect(counter.released.load(ordering: .relaxed) == calls)
        #expect(ThreadInfo.count(named: name) == 1)
        try await sleeper.control.stop()
        #expect(await ThreadInfo.eventually { ThreadInfo.count(named: name) == 0 })
    }
}
