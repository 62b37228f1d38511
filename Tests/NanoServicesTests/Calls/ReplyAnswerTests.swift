import CNanoServicesShims
@testable import NanoServices
import Synchronization
import Testing

/// Counts the instances of `AnswerProbe` alive, to show a reply moves its answer out or destroys it.
private final class ProbeCount: Sendable {
    let value = Atomic<Int>(0)
    var current: Int { value.load(ordering: .relaxed) }
}

private final class AnswerProbe: Sendable {
    let live: ProbeCount
    let id: Int
    init(_ live: ProbeCount, id: Int) {
        self.live = live
        self.id = id
        live.value.add(1, ordering: .relaxed)
    }
    deinit { live.value.subtract(1, ordering: .relaxed) }
}

/// Answers of every storage class: in the reply itself (up to three words), in a heap cell
/// (larger, or over-aligned), and failures.
private struct Small { var object: AnswerProbe }  // one word
private struct ThreeWords { var object: AnswerProbe; var a = 1; var b = 2 }  // exactly the inline room
private struct Large { var object: AnswerProbe; var padding: (Int, Int, Int, Int) = (1, 2, 3, 4) }  // boxed
private struct TestFailure: Error { let object: AnswerProbe }

@Suite("A reply's answer storage (Reply+Answer.swift)")
struct ReplyAnswerTests {
    @Test("values up to three words are stored inline, larger and over-aligned ones in a cell")
    func storageClass() {
        #expect(_Reply<Small>.storesInline)
        #expect(_Reply<ThreeWords>.storesInline)
        #expect(_Reply<String>.storesInline)
        #expect(_Reply<Void>.storesInline)
        #expect(!_Reply<Large>.storesInline)
        #expect(!_Reply<SIMD4<Double>>.storesInline)  // 32 bytes, 16-byte aligned
        #expect(!_Reply<SIMD2<Double>>.storesInline)  // 16 bytes, but 16-byte aligned
    }

    @Test("a taken answer is the one stored, moved out once: inline, boxed, over-aligned, failure")
    func takeMovesOut() throws {
        let live = ProbeCount()
        do {
            let small = _Reply<Small>()
            small._succeed(Small(object: AnswerProbe(live, id: 1)))
            let large = _Reply<Large>()
            large._succeed(Large(object: AnswerProbe(live, id: 2)))
            let aligned = _Reply<SIMD4<Double>>()
            aligned._succeed(SIMD4(1, 2, 3, 4))
            let failed = _Reply<Small>()
            failed._fail(TestFailure(object: AnswerProbe(live, id: 3)))
            #expect(live.current == 3)
            #expect(small.isReady && large.isReady && aligned.isReady && failed.isReady)

            #expect(try small.takeResult().object.id == 1)
            let taken = try large.takeResult()
            #expect(taken.object.id == 2 && taken.padding.3 == 4)
            #expect(try aligned.takeResult() == SIMD4(1, 2, 3, 4))
            #expect(small.answer == .none && large.answer == .none && large.boxedValue == nil)
            #expect(live.current == 2)  // `small`'s value went away with the expression; `taken` is alive
            let error = #expect(throws: TestFailure.self) { try failed.takeResult() }
            #expect(error?.object.id == 3)
            #expect(failed.answer == .none && failed.failure == nil)
        }
        #expect(live.current == 0)
    }

    @Test("an answer nobody takes is destroyed with the reply: inline, boxed and failure")
    func untakenAnswerIsDestroyed() {
        let live = ProbeCount()
        do {
            let small = _Reply<ThreeWords>()
            small._succeed(ThreeWords(object: AnswerProbe(live, id: 1)))
            let large = _Reply<Large>()
            large._succeed(Large(object: AnswerProbe(live, id: 2)))
            let failed = _Reply<Large>()
            failed._fail(TestFailure(object: AnswerProbe(live, id: 3)))
            #expect(live.current == 3)
            #expect(large.boxedValue != nil)
        }
        #expect(live.current == 0)
    }

    @Test("a late answer to a caller that gave up is dropped at once, on the answering thread")
    func lateAnswerIsDropped() throws {
        let live = ProbeCount()
        let reply = _Reply<Large>()
        // The caller waits 1 ms and gives up (state `abandoned`).
        #expect(try reply.waitBlocking(spinNanoseconds: 0, limit: .at(nano_monotonic_ns() &+ 1_000_000)) == nil)
        reply._succeed(Large(object: AnswerProbe(live, id: 1)))
        #expect(live.current == 0)  // dropped in `_succeed`, while the reply is still referenced
        #expect(reply.answer == .none && reply.boxedValue == nil)
    }
}

/// Answers of every storage class through real calls: blocking, awaited, and run inline on a
/// pooled service.
struct WideAnswer: Sendable, Equatable {
    var name: String
    var numbers: (Int, Int, Int, Int)
    static func == (a: Self, b: Self) -> Bool { a.name == b.name && a.numbers == b.numbers }
}

@NanoService
final class AnswerShapes {
    init() {}
    public func wide(_ seed: Int) -> WideAnswer { WideAnswer(name: "w\(seed)", numbers: (seed, seed + 1, seed + 2, seed + 3)) }
    public func aligned(_ seed: Double) -> SIMD4<Double> { SIMD4(seed, seed * 2, seed * 3, seed * 4) }
    public func word(_ seed: Int) -> Int { seed * 10 }
    public func failing(_ seed: Int) throws -> WideAnswer { throw AnswerShapesError(seed: seed) }
}

struct AnswerShapesError: Error, Equatable { let seed: Int }

@Suite("Answers of every size through calls")
struct ReplyAnswerCallTests {
    @Test("wide, over-aligned, one-word and failed answers arrive intact: blocking, awaited, inline on a pool",
          .timeLimit(.minutes(15)))
    func everyShapeEveryPath() async throws {
        let pool = ServicePool(name: "answers", threads: 1)
        for service in [try AnswerShapes.Service(), try AnswerShapes.Service(options: .init(placement: .pool(pool)))] {
            // Blocking, from a plain thread (inline once the pooled service is idle).
            try await runOnNewThread { () throws -> Void in
                for seed in 0..<200 {
                    #expect(try service.wide(seed) == WideAnswer(name: "w\(seed)", numbers: (seed, seed + 1, seed + 2, seed + 3)))
                    #expect(try service.aligned(Double(seed)) == SIMD4(Double(seed), Double(seed) * 2, Double(seed) * 3, Double(seed) * 4))
                    #expect(try service.word(seed) == seed * 10)
                    #expect(throws: AnswerShapesError(seed: seed)) { try service.failing(seed) }
                }
            }
            // Awaited, from a task.
            for seed in 0..<50 {
                #expect(try await service.wide(seed).numbers.3 == seed + 3)
                #expect(try await service.aligned(1.5) == SIMD4(1.5, 3, 4.5, 6))
                await #expect(throws: AnswerShapesError(seed: seed)) { try await service.failing(seed) }
            }
            try await service.control.stop()
        }
        try await pool.shutdown()
    }
}
