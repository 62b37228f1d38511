import NanoServices
import Testing

/// A service with more methods than fit on its own counter line (six).
@NanoService
final class ManyMethods {
    init() {}
    public func m1() {}
    public func m2() {}
    public func m3() {}
    public func m4() {}
    public func m5() {}
    public func m6() {}
    public func m7() {}
    public func m8() -> Int { 8 }
}

@Suite("Per-method counts")
struct MethodCountTests {
    @Test("eight methods, interleaved, on a thread and on a pool: every method's count is its own (the first six share the service's counter line, the rest have lines of their own)",
          .timeLimit(.minutes(15)), arguments: [false, true])
    func eightMethods(pooled: Bool) async throws {
        let pool = ServicePool(name: "many-methods", threads: 1)
        let service = try ManyMethods.Service(options: .init(placement: pooled ? .pool(pool) : .ownThread))
        let casts: [@Sendable () -> Void] = [service.m1, service.m2, service.m3, service.m4, service.m5, service.m6, service.m7]
        for round in 1...10 {
            for (index, cast) in casts.enumerated() where round <= index + 1 { cast() }  // m1 once, m2 twice, …
            _ = try await service.m8()
        }
        let counts = service.control.snapshot().handledByMethod
        #expect(counts == ["m1()": 1, "m2()": 2, "m3()": 3, "m4()": 4, "m5()": 5, "m6()": 6, "m7()": 7, "m8()": 10])
        #expect(service.control.snapshot().messagesHandled == 38)
        try await service.control.stop()
        try await pool.shutdown()
    }
}
