import NanoServices
import Testing

/// A service whose members sit in `#if` blocks; `NANO_SERVICES_NEVER_DEFINED` is never set.
@NanoService
final class ConditionalProbe {
    private var total = 0

    #if NANO_SERVICES_NEVER_DEFINED
    init(neverBuilt: Int) {}
    #else
    init(start: Int) { total = start }
    #endif

    public func add(_ n: Int) { total += n }

    #if NANO_SERVICES_NEVER_DEFINED
    public func neverBuilt() -> Int { -1 }
    #elseif compiler(>=6.0)
    public func current() -> Int { total }
    #else
    public func fallback() -> Int { -2 }
    #endif

    #if compiler(>=6.0)
    #if !NANO_SERVICES_NEVER_DEFINED
    public func doubled() -> Int { total * 2 }
    @Call public func reset() { total = 0 }
    #endif
    #endif
}

/// Members inside `#if` are forwarded exactly when they are compiled (before, they were
/// not forwarded at all, and an initializer inside `#if` made the generated code call an
/// `init()` that does not exist).
@Suite struct ConditionalMembersTests {
    @Test(.timeLimit(.minutes(15))) func membersInActiveClausesAreForwarded() async throws {
        let probe = try ConditionalProbe.Service(start: 5)
        probe.add(2)
        #expect(try await probe.current() == 7)
        #expect(try await probe.doubled() == 14)
        try await probe.reset()  // a `@Call` inside `#if`: the caller waits for it
        #expect(try await probe.current() == 0)
        try await probe.control.stop()
    }
}
