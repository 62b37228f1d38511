import SwiftDiagnostics
import SwiftSyntax
import SwiftSyntaxMacros

/// `@Call`: marks a `Void`, non-throwing method as a call (the caller waits for it).
///
/// Generates nothing: `@NanoService` reads the marker. On its own it only reports misuse
/// that `@NanoService` cannot see: a marker on something other than a method, or on a method
/// outside the body of a `@NanoService` type.
public enum CallMacro: PeerMacro {
    public static func expansion(
        of node: AttributeSyntax,
        providingPeersOf declaration: some DeclSyntaxProtocol,
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        MarkerPlacement.check(node, marker: "Call", on: declaration, in: context)
        return []
    }
}

/// `@Cast`: marks a throwing `Void` method as a cast (the caller does not wait; the error
/// goes to the service's error handler).
///
/// Generates nothing; see ``CallMacro`` for what it checks.
public enum CastMacro: PeerMacro {
    public static func expansion(
        of node: AttributeSyntax,
        providingPeersOf declaration: some DeclSyntaxProtocol,
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        MarkerPlacement.check(node, marker: "Cast", on: declaration, in: context)
        return []
    }
}

/// `@Reentrant`: lets an `async` method's suspensions interleave with other messages.
///
/// Generates nothing; see ``CallMacro`` for what it checks.
public enum ReentrantMacro: PeerMacro {
    public static func expansion(
        of node: AttributeSyntax,
        providingPeersOf declaration: some DeclSyntaxProtocol,
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        MarkerPlacement.check(node, marker: "Reentrant", on: declaration, in: context)
        return []
    }
}

/// Where `@Call`, `@Cast` and `@Reentrant` may appear.
enum MarkerPlacement {
    static func check(
        _ attribute: AttributeSyntax,
        marker: String,
        on declaration: some DeclSyntaxProtocol,
        in context: some MacroExpansionContext
    ) {
        let removal = NanoServiceFixIts.remove(attribute, named: marker)
        guard let function = declaration.as(FunctionDeclSyntax.self) else {
            context.diagnose(
                Diagnostic(node: attribute, message: NanoServiceDiagnostic.markerOnNonMethod(marker: marker), fixIts: [removal])
            )
            return
        }
        if !isInServiceBody(function, lexicalContext: context.lexicalContext) {
            context.diagnose(
                Diagnostic(node: attribute, message: NanoServiceDiagnostic.markerOutsideService(marker: marker), fixIts: [removal])
            )
        }
    }

    /// Whether the innermost declaration around `function` is a type marked `@NanoService`.
    /// (`@NanoService` itself diagnoses markers on the methods it does not forward.)
    private static func isInServiceBody(_ function: FunctionDeclSyntax, lexicalContext: [Syntax]) -> Bool {
        var contexts = lexicalContext[...]
        // Depending on the host, the method itself may come first.
        if let first = contexts.first?.as(FunctionDeclSyntax.self),
            first.name.text == function.name.text,
            first.signature.trimmedDescription == function.signature.trimmedDescription
        {
            contexts = contexts.dropFirst()
        }
        guard let enclosing = contexts.first?.asProtocol(WithAttributesSyntax.self),
            contexts.first?.is(ExtensionDeclSyntax.self) == false
        else { return false }
        return !enclosing.attributes.attributes(named: "NanoService").isEmpty
    }
}
