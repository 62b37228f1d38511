import NanoServices
import Testing

// The quick start of README.md, verbatim (in a namespace: the tests have their own `Counter`),
// so that it keeps compiling and doing what its comments say.
enum QuickStart {
    @NanoService
    nonisolated final class Counter {                // its own thread, not the main actor
        private var total: Int                       // confined to the service's thread: no locks
        init(start: Int) { total = start }

        public func add(_ n: Int) { total += n }     // cast: returns at once
        public func current() -> Int { total }       // call: the caller waits for the answer
        func helper() {}                             // not public: not part of the interface
    }
}

@Suite("README quick start")
struct ReadmeQuickStartTests {
    @Test("the quick start compiles from synchronous code and behaves as commented")
    func quickStart() throws {
        typealias Counter = QuickStart.Counter
        let counter = try Counter.Service(start: 5)      // spawns a thread named "Counter"; init runs there
        counter.add(3)                                   // enqueued, FIFO per sender
        #expect(try counter.current() == 8)              // 8 — blocks this thread until the answer
        try counter.control.stop()                       // graceful: drains the queue, ends the thread
        #expect(counter.control.state == .stopped)
    }

    @Test("from async code the same calls suspend")
    func quickStartAsync() async throws {
        let counter = try QuickStart.Counter.Service(start: 5)
        counter.add(3)
        let total = try await counter.current()
        try await counter.control.stop()
        #expect(total == 8)
    }
}
