import Dispatch
import NanoServices
import Testing

/// README, Semantics, "ordering": a message sent after another send has *returned* — by any
/// sender, once it knows that send returned — is handled after it. One mailbox per service,
/// FIFO overall; this is what lets two threads hand work over without a reply.
@Suite("Ordering across senders")
struct CrossSenderOrderTests {
    /// Thread A casts `add(5)` and signals; thread B, once signalled, calls `current()`. The
    /// call must see the cast's effect, on a service with its own thread and on a pool.
    @Test("a call sent after another sender's cast returned is handled after it",
          .timeLimit(.minutes(15)), arguments: [false, true])
    func callAfterAnotherSendersCast(pooled: Bool) async throws {
        let pool = pooled ? ServicePool(name: "order", threads: 2) : nil
        let options = ServiceOptions(placement: pool.map { .pool($0) } ?? .ownThread)
        for round in 0..<200 {
            let counter = try Counter.Service(start: round, options: options)
            let handedOver = DispatchSemaphore(value: 0)
            async let seen: Int = runOnNewThread {
                handedOver.wait()
                return try counter.current()            // the second sender
            }
            try await runOnNewThread {
                counter.add(5)                          // a cast: returns once enqueued
                handedOver.signal()
            }
            #expect(try await seen == round + 5, "round \(round)")
        }
        try await pool?.shutdown()
    }

    /// The same hand-over between two tasks, the second using the `async` overload.
    @Test("an async call sent after another task's cast returned is handled after it",
          .timeLimit(.minutes(15)))
    func asyncHandOver() async throws {
        for round in 0..<200 {
            let counter = try Counter.Service(start: round)
            let (signal, handOver) = AsyncStream<Void>.makeStream()
            async let seen: Int = {
                for await _ in signal { break }
                return try await counter.current()
            }()
            counter.add(5)                              // a cast from this task
            handOver.yield()
            #expect(try await seen == round + 5, "round \(round)")
        }
    }
}
