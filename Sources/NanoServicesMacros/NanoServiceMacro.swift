import SwiftSyntax
import SwiftSyntaxMacros

/// `@NanoService`: turns a final class (or a struct) into a nano service.
///
/// As a member macro it adds `_$Message` (one enum case per public method) and `Service`
/// (the thread-safe handle); as an extension macro it adds the `NanoService` conformance.
/// Diagnostics are emitted by the member role only, so each appears once.
public enum NanoServiceMacro: MemberMacro, ExtensionMacro {
    /// The generated code is laid out by hand, for readable expansions.
    public static var formatMode: FormatMode { .disabled }

    public static func expansion(
        of node: AttributeSyntax,
        providingMembersOf declaration: some DeclGroupSyntax,
        conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        var parser = ServiceModelParser()
        let model = parser.parse(declaration)
        for diagnostic in parser.diagnostics {
            context.diagnose(diagnostic)
        }
        let interfaces = ProtocolConformanceGenerator.interfaces(of: node, in: context)
        guard let model else { return [] }
        return ProtocolConformanceGenerator.adding(interfaces, toHandleIn: ServiceCodeGenerator(model: model).members)
    }

    public static func expansion(
        of node: AttributeSyntax,
        attachedTo declaration: some DeclGroupSyntax,
        providingExtensionsOf type: some TypeSyntaxProtocol,
        conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [ExtensionDeclSyntax] {
        guard declaration.takesGeneratedConformance(protocols) else { return [] }
        return [ServiceCodeGenerator.conformance(of: type)]
    }
}
