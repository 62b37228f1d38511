import SwiftDiagnostics
import SwiftSyntax
import SwiftSyntaxMacros

/// `@RemoteService`: opts a `@NanoService` type into crossing processes.
///
/// As a member macro it adds `Remote` (the remote handle) and `_remoteMethods` (the table a
/// host dispatches with); as an extension macro it adds the `RemoteService` conformance. It
/// reads the type with the same parser as `@NanoService` but reports only its own
/// diagnostics (`@NanoService` reports the parser's), so each appears once.
public enum RemoteServiceMacro: MemberMacro, ExtensionMacro {
    /// The generated code is laid out by hand, for readable expansions.
    public static var formatMode: FormatMode { .disabled }

    public static func expansion(
        of node: AttributeSyntax,
        providingMembersOf declaration: some DeclGroupSyntax,
        conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        guard declaration.is(ClassDeclSyntax.self) || declaration.is(StructDeclSyntax.self) else {
            context.diagnose(Diagnostic(node: node, message: RemoteDiagnostic.unsupportedDeclaration))
            return []
        }
        var parser = ServiceModelParser()
        guard let model = parser.parse(declaration) else { return [] }
        guard !declaration.attributes.attributes(named: "NanoService").isEmpty else {
            context.diagnose(Diagnostic(node: node, message: RemoteDiagnostic.withoutNanoService(typeName: model.typeName)))
            return []
        }
        var selection = RemoteMethodSelection(declaration: declaration)
        let methods = selection.remoteMethods(of: model)
        selection.diagnostics.forEach { context.diagnose($0) }
        return RemoteHandleGenerator(model: model, methods: methods, interfaces: interfaces(of: declaration)).members
    }

    /// The protocols `@NanoService(P.self, ...)` names: the remote handle conforms to them too,
    /// so code written against the protocol takes a local or a remote handle. Arguments of
    /// another form are left out (`@NanoService` diagnoses them).
    private static func interfaces(of declaration: some DeclGroupSyntax) -> [String] {
        guard let attribute = declaration.attributes.attributes(named: "NanoService").first,
            case .argumentList(let arguments)? = attribute.arguments
        else { return [] }
        return arguments.compactMap { argument in
            guard argument.label == nil, let member = argument.expression.as(MemberAccessExprSyntax.self),
                member.declName.baseName.tokenKind == .keyword(.self), let base = member.base
            else { return nil }
            return base.trimmedDescription
        }
    }

    public static func expansion(
        of node: AttributeSyntax,
        attachedTo declaration: some DeclGroupSyntax,
        providingExtensionsOf type: some TypeSyntaxProtocol,
        conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [ExtensionDeclSyntax] {
        guard declaration.takesGeneratedConformance(protocols),
            !declaration.attributes.attributes(named: "NanoService").isEmpty
        else { return [] }
        let extensionDeclaration: DeclSyntax = "extension \(type.trimmed): NanoServices.RemoteService {}"
        return [extensionDeclaration.cast(ExtensionDeclSyntax.self)]
    }
}

/// `@LocalOnly`: keeps a method of a `@RemoteService` type out of its remote handle (it stays
/// on the local handle). Generates nothing; `@RemoteService` reads the marker. On its own it
/// reports a marker on something that is not a method.
public enum LocalOnlyMacro: PeerMacro {
    public static func expansion(
        of node: AttributeSyntax,
        providingPeersOf declaration: some DeclSyntaxProtocol,
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        if !declaration.is(FunctionDeclSyntax.self) {
            context.diagnose(Diagnostic(node: node, message: RemoteDiagnostic.localOnlyOnNonMethod))
        }
        return []
    }
}
