import MacroTesting
@testable import NanoServicesMacros
import SwiftParser
import SwiftSyntax
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
        } diagnostics: {
            """
            @NanoService
            final class Loader {
                init(paths: some Sequence<String>) {}
                            ┬────────────────────
                            ╰─ 🛑 cannot forward 'init(paths:)': opaque parameter type 'some Sequence<String>' cannot be stored in a message; use a concrete or 'any' type
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
        } diagnostics: {
            """
            @NanoService
            final class Loader {
                init<S: Sequence>(paths: S, options: Int = 0) where S.Element == String {}
                    ┬────────────
                    ╰─ 🛑 generic method 'init(paths:options:)' cannot be forwarded by '@NanoService'; make it non-public or remove its generic parameters
                init(path: String) {}
            }
            """
        }
    }

    /// The handle the macro generates for `source` (one type declaration). `assertMacro` shows
    /// no expansion when there is an error, so the generator is asked directly.
    private func handleSource(_ source: String) throws -> String {
        let file = Parser.parse(source: source)
        let declaration = try #require(file.statements.first?.item.as(DeclSyntax.self)?.asProtocol(DeclGroupSyntax.self))
        var parser = ServiceModelParser()
        let parsed = parser.parse(declaration)
        let model = try #require(parsed)
        return ServiceHandleGenerator(model: model).source
    }

    @Test func handleDeclaresTheRejectedInitializerUnavailable() throws {
        let handle = try handleSource(
            """
            @NanoService
            final class Loader {
                init(paths: some Sequence<Self>) {}
            }
            """
        )
        #expect(
            handle.contains(
                """
                    /// Unavailable: `@NanoService` cannot start a `Loader` with `init(paths:)` (see the error there).
                    @available(*, unavailable, message: "'@NanoService' cannot forward 'init(paths:)'; see the error at its declaration")
                    init(paths: some Sequence<Loader>, options _: NanoServices.ServiceOptions = .init()) throws {
                        Swift.fatalError("unavailable")
                    }
                """
            )
        )
        // No implicit `init()` either: the type declares an initializer.
        #expect(!handle.contains("init(options: NanoServices.ServiceOptions"))
    }

    @Test func unavailableGenericInitializerKeepsItsGenericClauseAndWhereClause() throws {
        let handle = try handleSource(
            """
            @NanoService
            final class Loader {
                init<S: Sequence>(paths: S, options: Int = 0) where S.Element == String {}
                init(path: String) {}
            }
            """
        )
        #expect(
            handle.contains(
                """
                    init<S: Sequence>(paths: S, options: Int = 0, options _: NanoServices.ServiceOptions = .init()) throws where S.Element == String {
                """
            )
        )
        #expect(handle.contains("init(path: String, options: NanoServices.ServiceOptions = .init()) throws {"))
    }
}
