import MacroTesting
import SwiftSyntax
import NanoServicesMacros
import Testing

/// `@RemoteService` alone (the `@NanoService` attribute stays unexpanded, so the snapshots
/// show only what the remote macro adds).
let remoteServiceMacros: [String: MacroSpec] = [
    "RemoteService": MacroSpec(
        type: RemoteServiceMacro.self,
        conformances: [TypeSyntax(IdentifierTypeSyntax(name: .identifier("RemoteService")))]
    ),
    "LocalOnly": MacroSpec(type: LocalOnlyMacro.self),
]

/// What `@RemoteService` generates: the remote handle `Remote`, the host's method table and
/// the `Codable` checks; and what it rejects.
@Suite(.macros(remoteServiceMacros))
struct RemoteServiceExpansionTests {
    @Test func castsCallsAndLocalOnlyMethods() {
        assertMacro {
            """
            @NanoService @RemoteService
            public final class Ledger {
                public init() {}
                public func record(_ amount: Int) {}
                public func withdraw(_ amount: Int, note: String = "") throws -> Int { amount }
                @Call public func reset() {}
                @LocalOnly public func inspect(_ body: @escaping @Sendable ([Int]) -> Void) {}
            }
            """
        }
    }

    @Test func aClosureParameterIsAnErrorWithAFixIt() {
        assertMacro {
            """
            @NanoService @RemoteService
            final class Ledger {
                public func inspect(_ body: @escaping @Sendable ([Int]) -> Void) {}
                public func count() -> Int { 0 }
            }
            """
        }
    }

    @Test func aClosureResultIsAnError() {
        assertMacro {
            """
            @NanoService @RemoteService
            final class Ledger {
                public func makeFilter() -> @Sendable (Int) -> Bool { { _ in true } }
            }
            """
        }
    }

    @Test func remoteServiceNeedsNanoService() {
        assertMacro {
            """
            @RemoteService
            final class Ledger {
                public func count() -> Int { 0 }
            }
            """
        }
    }

    @Test func localOnlyOnAPropertyIsAnError() {
        assertMacro {
            """
            @LocalOnly var count = 0
            """
        }
    }

    @Test func overloadsAndConditionalMethodsKeepTheirOwnSignatures() {
        assertMacro {
            """
            @NanoService @RemoteService
            final class Ledger {
                public func add(_ n: Int) {}
                public func add(_ text: String) {}
                #if DEBUG
                public func dump() -> String { "" }
                #endif
            }
            """
        }
    }
}
