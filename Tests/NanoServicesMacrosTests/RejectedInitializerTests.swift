import MacroTesting
import Testing

/// A rejected initializer becomes an unavailable spawning initializer with the same
/// parameters: a use of it says why, instead of "missing argument label '_$runtime:'".
@Suite(.macros(nanoServiceMacros))
struct RejectedInitializerTests {
    @Test func opaqueParameterInitializerIsDeclaredUnavailable() {
        assertMacro {
            """
            @NanoService
            final class Loader {
                init(paths: some Sequence<String>) {}
            }
            """
        }
    }

    @Test func genericInitializerKeepsItsGenericClause() {
        assertMacro {
            """
            @NanoService
            final class Loader {
                init<S: Sequence>(paths: S, options: Int = 0) where S.Element == String {}
                init(path: String) {}
            }
            """
        }
    }
}
