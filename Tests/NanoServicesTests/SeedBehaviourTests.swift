import NanoServices
import Synchronization
import Testing

/// The original `nano_services` crate's integration tests, in Swift.
@Suite("Seed behaviour")
struct SeedBehaviourTests {
    @Test("create and stop: the initializer runs exactly once, on the service thread")
    func createAndStop() throws {
        let start = 1_001
        let counter = try Counter.Service(start: start)
        #expect(try counter.current() == start)
        try counter.control.stop()
        #expect(counter.control.state == .stopped)
        #expect(Counter.initializations.withLock { $0[start] } == 1)
    }

    @Test("a failing call: the method's own error reaches the caller unchanged")
    func failingCall() throws {
        let counter = try Counter.Service(start: 7)
        #expect(throws: ResetRefused(total: 7)) { try counter.checkedReset(allowed: false) }
        #expect(try counter.checkedReset(allowed: true) == 7)
        #expect(try counter.current() == 0)
    }

    @Test("a failing @Cast: the error reaches the service's error handler")
    func failingCast() throws {
        let failures = Protected<[String]>([])
        let counter = try Counter.Service(
            start: 3,
            options: .init(name: "cast-errors", onCastError: { failure in
                failures.withLock { $0.append("\(failure.serviceName) \(failure.method) \(failure.underlying)") }
            }))
        counter.failLater("disk full")
        #expect(try counter.entries() == ["failLater(disk full)"]) // the call is handled after the cast
        #expect(failures.withLock { $0 } == ["cast-errors failLater(_:) ResetRefused(total: 3)"])
    }

    @Test("a cast with no arguments")
    func castWithoutArguments() throws {
        let counter = try Counter.Service(start: 0)
        counter.increment()
        counter.increment()
        #expect(try counter.current() == 2)
    }

    @Test("a cast with arguments, including overloads")
    func castWithArguments() throws {
        let counter = try Counter.Service(start: 0)
        counter.add(5)
        counter.add(2, times: 3)
        #expect(try counter.current() == 11)
    }

    @Test("a call with no arguments")
    func callWithoutArguments() throws {
        let counter = try Counter.Service(start: 42)
        #expect(try counter.current() == 42)
    }

    @Test("a call with arguments")
    func callWithArguments() throws {
        let counter = try Counter.Service(start: 40)
        #expect(try counter.plus(2) == 42)
    }

    @Test("a Void @Call waits for the method to run")
    func voidCall() throws {
        let counter = try Counter.Service(start: 0)
        try counter.record("first")
        try counter.record("second")
        #expect(try counter.entries() == ["first", "second"])
    }

    @Test("a cast followed by a call sees the cast's effect")
    func castThenCall() throws {
        let counter = try Counter.Service(start: 10)
        counter.add(5)
        #expect(try counter.current() == 15)
    }

    @Test("three calls in a row answer in order")
    func threeCallsInOrder() throws {
        let counter = try Counter.Service(start: 1)
        #expect(try counter.plus(1) == 2)
        counter.increment()
        #expect(try counter.plus(10) == 12)
        counter.increment()
        #expect(try counter.current() == 3)
    }

    @Test("two threads calling concurrently each get their own answer")
    func twoThreadsCalling() async throws {
        let counter = try Counter.Service(start: 100)
        let answers = try await withThrowingTaskGroup(of: [Int].self) { group in
            for offset in [1, 1_000] {
                group.addTask {
                    try await runOnNewThread {
                        try (0..<2_000).map { index in try counter.plus(offset + index) - offset - index }
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(answers.count == 4_000)
        #expect(answers.allSatisfy { $0 == 100 })
    }

    @Test("the instance is only ever touched on its own, named thread")
    func threadConfinement() throws {
        let counter = try Counter.Service(start: 0, options: .named("confined"))
        counter.increment()
        _ = try counter.current()
        let threads = try counter.threadsSeen()
        #expect(threads.count == 1)
        #expect(!threads.contains(ThreadInfo.currentID))
        #expect(try counter.threadName() == "confined")
        #expect(counter.control.name == "confined")
    }

    @Test("the default name is the type's name, and long names are cut to 15 bytes for the kernel")
    func threadNames() throws {
        let plain = try Counter.Service(start: 0)
        #expect(plain.control.name == "Counter")
        #expect(try plain.threadName() == "Counter")
        let long = try Counter.Service(start: 0, options: .named("a-very-long-service-name"))
        #expect(long.control.name == "a-very-long-service-name")
        #expect(try long.threadName() == "a-very-long-ser")
    }
}
