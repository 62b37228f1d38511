import MacroTesting
import Testing

/// Members inside `#if` blocks are forwarded under the same conditions: message cases, the
/// `_handle`/`_reject`/`_methodName` cases, handle methods, spawning initializers and
/// `Sendable` checks each sit inside an `#if` with the member's condition.
@Suite(.macros(nanoServiceMacros))
struct ConditionalCompilationTests {
    @Test func methodsInIfElseifElseAreForwardedUnderTheirConditions() {
        assertMacro {
            """
            @NanoService
            final class Probe {
                public func always() -> Int { 0 }
                #if DEBUG
                public func debugDump() -> String { "" }
                #elseif os(Linux)
                public func linuxOnly(_ n: Int) {}
                #else
                public func fallback() {}
                #endif
            }
            """
        }
    }

    @Test func initializerInIfIsForwardedUnderItsCondition() {
        assertMacro {
            """
            @NanoService
            final class Probe {
                #if DEBUG
                init(verbose: Bool) {}
                #else
                init() {}
                #endif
                public func ping() {}
            }
            """
        }
    }

    @Test func nestedIfCombinesConditions() {
        assertMacro {
            """
            @NanoService
            final class Probe {
                #if canImport(Foundation)
                #if DEBUG || TESTING
                public func trace(_ line: String) {}
                #endif
                #endif
            }
            """
        }
    }
}
