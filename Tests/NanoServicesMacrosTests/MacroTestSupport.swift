import MacroTesting
import NanoServicesMacros
import SwiftSyntax
import SwiftSyntaxMacroExpansion
import Testing

/// The macros under test, as the compiler sees them: `@NanoService` adds the conformance
/// to `NanoService`, which the compiler passes to the extension role when the type lacks it.
let nanoServiceMacros: [String: MacroSpec] = [
    "NanoService": MacroSpec(
        type: NanoServiceMacro.self,
        conformances: [TypeSyntax(IdentifierTypeSyntax(name: .identifier("NanoService")))]
    ),
    "Call": MacroSpec(type: CallMacro.self),
    "Cast": MacroSpec(type: CastMacro.self),
    "Reentrant": MacroSpec(type: ReentrantMacro.self),
]
