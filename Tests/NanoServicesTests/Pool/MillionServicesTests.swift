@testable import NanoServices
import Synchronization
import Testing

/// Counts the instances released, from any thread.
final class ReleaseCount: Sendable {
    let released = Atomic<Int>(0)
}

/// A pooled service that counts its instance's release.
@NanoService
final class ReleaseTally {
    private let count: ReleaseCount
    init(count: ReleaseCount) { self.count = count }
    deinit { count.released.add(1, ordering: .relaxed) }

    public func ping(_ value: Int) -> Int { value + 1 }
}

/// Weak references to some services' runtime objects, kept across threads.
private final class Sample: @unchecked Sendable {
    // Sound: written by one thread, then read after it has been joined (`runOnNewThread`).
    var cores: [() -> AnyObject?] = []
}

/// Issue 12: a million pooled services spawned, called and stopped leave nothing behind.
@Suite("A million pooled services", .timeLimit(.minutes(30)))
struct MillionServicesTests {
    @Test("spawned, called and released in batches: every instance and every service object is freed")
    func millionServicesLeaveNothing() async throws {
        // A million in the test run; fewer under the Thread Sanitizer, which is ≈10× slower.
        let total = isThreadSanitized ? 50_000 : 1_000_000
        let batch = 10_000
        let pool = ServicePool(name: "million", threads: 2)
        let count = ReleaseCount()
        let sample = Sample()
        try await runOnNewThread {
            for _ in 0..<(total / batch) {
                var services: [ReleaseTally.Service] = []
                services.reserveCapacity(batch)
                for _ in 0..<batch { services.append(try ReleaseTally.Service(count: count, options: .init(placement: .pool(pool)))) }
                for (index, service) in services.enumerated() {
                    let answer = try service.ping(index)
                    if answer != index + 1 { throw ServiceError(.stopped, service: "ReleaseTally", message: "wrong answer \(answer)") }
                }
                // One service in a thousand is watched after its last handle goes.
                for service in services.enumerated().filter({ $0.offset % 1_000 == 0 }).map(\.element) {
                    weak let core = service._$runtime.core
                    sample.cores.append { core }
                }
                services.removeAll()  // the last handles: each idle service ends here, on this thread
            }
        }
        // Idle services end on the releasing thread, so this holds at once; polled anyway.
        #expect(await ThreadInfo.eventually { count.released.load(ordering: .relaxed) == total })
        #expect(await ThreadInfo.eventually { sample.cores.allSatisfy { $0() == nil } })
        #expect(sample.cores.count == total / 1_000)
        #expect(ServiceRegistry.services(on: pool).isEmpty)
        try await pool.shutdown()
    }
}
