import MacroTesting
import Testing

/// The handle's methods and spawning initializers carry the user's documentation, written
/// as `///` lines or as a `/** */` block.
@Suite(.macros(nanoServiceMacros))
struct DocumentationCommentTests {
    @Test func blockDocumentationIsCopied() {
        assertMacro {
            """
            @NanoService
            final class Counter {
                /**
                 Starts counting at `start`.
                 */
                init(start: Int) {}

                /** Adds `n` to the total. */
                public func add(_ n: Int) {}

                /**
                 * The total so far.
                 *
                 * - Returns: The sum of every `add`.
                 */
                public func current() -> Int { 0 }
            }
            """
        }
    }
}
