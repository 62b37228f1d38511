import NanoServices
import Synchronization
import Testing

/// A service whose `async` method needs Swift's cooperative pool to finish.
@NanoService
final class DetachedAwaiter {
    init() {}
    public func work() async -> Int { await Task.detached { 1 }.value }
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

@Suite("Blocking calls on every cooperative thread")
struct CooperativePoolTests {
    static let cooperativeThreads = ServicePool.coreCount

    @Test("blocking calls from as many tasks as the cooperative pool has threads, to an async method that needs the pool: no hang",
          .timeLimit(.minutes(15)))
    func everyCooperativeThreadBlocked() async throws {
        let service = try DetachedAwaiter.Service()
        let barrier = SpinBarrier(count: Self.cooperativeThreads)
        let outcomes = await withTaskGroup(of: String.self, returning: [String].self) { group in
            for _ in 0..<Self.cooperativeThreads {
                group.addTask {
                    barrier.arriveAndSpin()
                    do {
                        return "\(try service.work())"  // the blocking overload, on a cooperative thread
                    } catch let error as ServiceError {
                        return "\(error.code)"
                    } catch {
                        return "\(error)"
                    }
                }
            }
            var outcomes: [String] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        #expect(outcomes.count == Self.cooperativeThreads)
        #expect(outcomes.allSatisfy { $0 == "1" || $0 == "cooperativePoolExhausted" }, "\(outcomes)")
        #expect(outcomes.contains("1"))
        #expect(try await service.work() == 1)  // the service is fine afterwards
    }
}
