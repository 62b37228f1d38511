import NanoServices
import Testing

/// A service with a deprecated and an unavailable method. Compiling this file (and the
/// generated code) produces no warning: the deprecation is on the handle's method, which
/// nothing here calls directly.
@NanoService
final class LegacyCounter {
    private var total = 0

    @available(*, deprecated, renamed: "add(_:)")
    public func increment(by n: Int) { total += n }

    @available(*, unavailable, message: "use add(_:)")
    public func bump() {}

    public func add(_ n: Int) { total += n }
    public func current() -> Int { total }
}

/// Calling through a protocol whose witness is deprecated does not warn: it lets this test
/// use the deprecated handle method without a warning in the test build.
protocol IncrementingByAmount {
    func increment(by n: Int)
}

extension LegacyCounter.Service: IncrementingByAmount {}

@Suite struct AvailabilityForwardingTests {
    @Test(.timeLimit(.minutes(15))) func deprecatedMethodIsStillForwarded() async throws {
        let counter = try LegacyCounter.Service()
        let incrementing: any IncrementingByAmount = counter
        incrementing.increment(by: 3)
        counter.add(1)
        #expect(try await counter.current() == 4)
        try await counter.control.stop()
    }
}
