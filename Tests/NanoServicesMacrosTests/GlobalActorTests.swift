import MacroTesting
import Testing

/// A global actor on a forwarded method, or on the service type, is one diagnostic at the
/// attribute (with a fix-it), not errors inside the generated `_handle`.
@Suite(.macros(nanoServiceMacros))
struct GlobalActorTests {
    @Test func mainActorMethodIsOneDiagnosticWithFixIt() {
        assertMacro {
            """
            @NanoService
            final class Screen {
                @MainActor public func refresh() {}
                public func count() -> Int { 0 }
            }
            """
        }
    }

    @Test func customGlobalActorInitializerIsRejectedWithoutCascade() {
        assertMacro {
            """
            @NanoService
            final class Screen {
                @DatabaseActor init(path: String) {}
            }
            """
        }
    }

    @Test func mainActorTypeIsOneDiagnosticWithNonisolatedFixIt() {
        assertMacro {
            """
            @NanoService
            @MainActor
            final class Screen {
                public func refresh() {}
            }
            """
        }
    }
}
