import MacroTesting
import Testing

/// Public members the handle cannot forward are flagged at their declaration, so the user
/// learns there and not at a use of the handle.
@Suite(.macros(nanoServiceMacros))
struct UnforwardedMemberTests {
    @Test func publicComputedPropertyAndSubscriptWarn() {
        assertMacro {
            """
            @NanoService
            final class Store {
                private var values: [String: Int] = [:]
                public var count: Int { values.count }
                public var stored = 0
                public var observed = 0 { didSet {} }
                var internalCount: Int { values.count }
                public static var shared: Int { 0 }
                public subscript(key: String) -> Int? { values[key] }
                subscript(index: Int) -> Int { index }
                public func get(_ key: String) -> Int? { values[key] }
            }
            """
        }
    }
}
