import NanoServices
import Testing

/// A value that is not `Sendable`: it can only be moved (`sending`) to a service.
nonisolated final class Batch {
    var values: [Int]
    init(_ values: [Int]) { self.values = values }
}

/// More of what the macro generates, in a module whose default isolation is `MainActor`:
/// a throwing initializer, a `sending` parameter, an `async` method, a `@Call`, a throwing call.
@NanoService
nonisolated final class Accumulator {
    private var total = 0

    init(start: Int) throws {
        guard start >= 0 else { throw AccumulatorError.negative }
        total = start
    }

    public func ingest(_ batch: sending Batch) { total += batch.values.reduce(0, +) }
    public func settle() async -> Int {
        await Task.yield()
        return total
    }
    @Call public func reset() { total = 0 }
    public func checked() throws -> Int {
        guard total >= 0 else { throw AccumulatorError.negative }
        return total
    }
}

enum AccumulatorError: Error { case negative }

/// A struct service in the same module.
@NanoService
nonisolated struct Tally {
    private var count = 0
    public mutating func bump() { count += 1 }
    public func value() -> Int { count }
}

@Suite struct GeneratedCodeTests {
    @Test(.timeLimit(.minutes(15))) func everyKindOfMemberWorksUnderMainActorDefaultIsolation() async throws {
        let accumulator = try Accumulator.Service(start: 1)
        accumulator.ingest(Batch([2, 3]))
        #expect(try await accumulator.settle() == 6)
        #expect(try await accumulator.checked() == 6)
        try await accumulator.reset()
        #expect(try await accumulator.settle() == 0)
        #expect(throws: AccumulatorError.negative) { try Accumulator.Service(start: -1) }
        try await accumulator.control.stop()

        let tally = try Tally.Service()
        tally.bump()
        #expect(try await tally.value() == 1)
        try await tally.control.stop()
    }
}
