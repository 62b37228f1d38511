import Foundation
import NanoServices
import Synchronization
import Testing

/// A service whose `async` method needs Swift's cooperative pool to finish.
@NanoService
final class DetachedAwaiter {
    init() {}
    public func work() async -> Int { await Task.detached { 1 }.value }
}

/// A one-shot release an `async` method waits for, resumed from a plain thread.
final class Release: Sendable {
    private let state = Protected<(continuation: CheckedContinuation<Void, Never>?, released: Bool)>((nil, false))
    var isWaiting: Bool { state.withLock { $0.continuation != nil } }
    func wait() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.released { return true }
                state.continuation = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }
    func release() {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.released = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume()
    }
}

/// A bounded service whose `async` method waits, in a detached task, for a release: once
/// released, that task needs a thread of the cooperative pool to finish.
@NanoService
final class HeldSink {
    private let release: Release
    private var notes = 0
    init(release: Release) { self.release = release }
    public func work() async -> Int {
        let release = self.release
        return await Task.detached { await release.wait(); return 1 }.value
    }
    public func note(_ value: Int) { notes += 1 }
    @Call public func noteAndConfirm(_ value: Int) { notes += 1 }
    public func noted() -> Int { notes }
}

/// Makes `count` tasks start their next step together: each spins (holding its thread, no
/// `await`) until all have arrived, so that they occupy `count` threads at once — for at most
/// a second, so that the barrier itself never hangs the pool when other tests hold threads.
/// (It only makes the reproduction likely; the assertions do not depend on it.)
private final class SpinBarrier: Sendable {
    private let arrived = Atomic<Int>(0)
    private let count: Int
    init(count: Int) { self.count = count }
    func arriveAndSpin() {
        arrived.add(1, ordering: .acquiringAndReleasing)
        let giveUp = ContinuousClock.now + .seconds(1)
        while arrived.load(ordering: .acquiring) < count && ContinuousClock.now < giveUp {}
    }
}

@Suite("Blocking calls on every cooperative thread", .serialized)
struct CooperativePoolTests {
    static let cooperativeThreads = ServicePool.coreCount

    /// A synchronous helper: the compiler cannot see that a task calls it, so the blocking
    /// overload (`noasync`) is allowed here — the case the runtime guard exists for.
    static func workBlocking(_ service: DetachedAwaiter.Service) throws -> Int { try service.work() }

    /// Runs `body` in as many tasks as the cooperative pool has threads, started together (so
    /// that they occupy every thread at once), and returns what each returned.
    static func onEveryCooperativeThread(_ body: @escaping @Sendable (Int) -> String) async -> [String] {
        let barrier = SpinBarrier(count: cooperativeThreads)
        return await withTaskGroup(of: String.self, returning: [String].self) { group in
            for index in 1...cooperativeThreads {
                group.addTask {
                    barrier.arriveAndSpin()
                    return body(index)
                }
            }
            var outcomes: [String] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
    }

    /// What a blocking call returned, or the code of the `ServiceError` it threw.
    static func outcome(of call: () throws -> String) -> String {
        do {
            return try call()
        } catch let error as ServiceError {
            return "\(error.code)"
        } catch {
            return "\(error)"
        }
    }

    /// The blocking overload of a `@Call`, from a synchronous helper (see ``workBlocking(_:)``).
    static func noteBlocking(_ service: HeldSink.Service, _ value: Int) throws { try service.noteAndConfirm(value) }

    @Test("blocking calls from as many tasks as the cooperative pool has threads, to an async method that needs the pool: no hang",
          .timeLimit(.minutes(15)))
    func everyCooperativeThreadBlocked() async throws {
        let service = try DetachedAwaiter.Service()
        let outcomes = await Self.onEveryCooperativeThread { _ in
            // The blocking overload, on a cooperative thread.
            Self.outcome { "\(try Self.workBlocking(service))" }
        }
        #expect(outcomes.count == Self.cooperativeThreads)
        // Each call is answered or gives up with the clear error (more than one gives up when
        // other tests block cooperative threads at the same time); none hangs.
        #expect(outcomes.allSatisfy { $0 == "1" || $0 == "cooperativePoolExhausted" }, "\(outcomes)")
        #expect(try await service.work() == 1)  // the service is fine afterwards
    }

    @Test("casts or calls from every cooperative thread waiting for room in a service held by an async method that needs the pool: a cast is accepted over capacity, a call answered or given up with cooperativePoolExhausted (never delivered then); no hang",
          .timeLimit(.minutes(15)), arguments: [false, true])
    func everyCooperativeThreadWaitingForRoom(calls: Bool) async throws {
        let release = Release()
        let service = try HeldSink.Service(
            release: release, options: .init(name: "held-sink", mailbox: .bounded(capacity: 1, whenFull: .block)))
        let work = Task { try await service.work() }  // holds the service until released
        while !release.isWaiting { try await Task.sleep(for: .milliseconds(1)) }
        service.note(0)  // the mailbox is now full
        // Releases from a plain thread once every sender is about to wait: the detached task
        // then needs a cooperative thread, and every one is blocked waiting for room.
        let opener = Task {
            try await runOnNewThread {
                while service.control.snapshot().blockingWaitsFromTasks < Self.cooperativeThreads { usleep(1_000) }
                release.release()
            }
        }
        let outcomes = await Self.onEveryCooperativeThread { index in
            guard calls else {
                service.note(index)  // waits for room, on a cooperative thread
                return "cast"
            }
            return Self.outcome {
                try Self.noteBlocking(service, index)  // likewise, a call
                return "ok"
            }
        }
        try await opener.value
        #expect(try await work.value == 1)
        if calls {
            #expect(outcomes.allSatisfy { $0 == "ok" || $0 == "cooperativePoolExhausted" }, "\(outcomes)")
            // Released only once every cooperative thread waited: at least one had to give up.
            #expect(outcomes.contains("cooperativePoolExhausted"), "\(outcomes)")
            // A call that gave up was never delivered: only the answered ones were noted.
            #expect(try await service.noted() == 1 + outcomes.filter { $0 == "ok" }.count)
        } else {
            #expect(try await service.noted() == Self.cooperativeThreads + 1)  // nothing lost
        }
        try await service.control.stop()
    }
}
