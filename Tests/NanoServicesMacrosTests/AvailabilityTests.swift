import MacroTesting
import Testing

/// `@available` attributes reach the handle, so callers of the handle see deprecations; the
/// generated code that calls a deprecated method is itself deprecated (and called through
/// the `_ServiceMessage` protocol), so it does not warn.
@Suite(.macros(nanoServiceMacros))
struct AvailabilityTests {
    @Test func deprecatedMethodAndInitializerAreDeprecatedOnTheHandle() {
        assertMacro {
            """
            @NanoService
            final class Counter {
                init() {}
                @available(*, deprecated, message: "use init()")
                init(legacy: Int) {}

                @available(*, deprecated, renamed: "add(_:)")
                public func increment(_ n: Int) {}
                public func add(_ n: Int) {}
                @available(*, deprecated)
                public func total() -> Int { 0 }
            }
            """
        }
    }

    @Test func unavailableMethodIsNotForwardedButDeclaredUnavailable() {
        assertMacro {
            """
            @NanoService
            final class Counter {
                @available(*, unavailable, message: "use add(_:)")
                public func increment(_ n: Int) {}
                @available(*, unavailable)
                public func total() -> Int { 0 }
                public func add(_ n: Int) {}
            }
            """
        }
    }

    @Test func noasyncIsNotCopied() {
        assertMacro {
            """
            @NanoService
            final class Counter {
                @available(*, noasync)
                public func total() -> Int { 0 }
            }
            """
        }
    }
}
