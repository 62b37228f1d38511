import SwiftDiagnostics
import SwiftSyntax
import SwiftSyntaxMacros

/// Protocol-typed handles: `@NanoService(KeyValueStore.self)` makes the generated handle
/// conform to `KeyValueStore`, by appending the protocols to the inheritance clause of the
/// `Service` struct the member role generates:
///
/// ```swift
/// public struct Service: NanoServices.ServiceHandle, KeyValueStore { ... }
/// ```
///
/// The handle's forwarded methods are the witnesses. A requirement they cannot meet is the
/// compiler's "type 'Store.Service' does not conform to protocol" error; `@ServiceInterface`
/// on the protocol reports the usual causes at the requirement, with a fix-it.
enum ProtocolConformanceGenerator {
    /// The protocols named by `@NanoService`'s arguments (`P.self`), as written. Diagnoses any
    /// argument of another form, which is left out.
    static func interfaces(of attribute: AttributeSyntax, in context: some MacroExpansionContext) -> [TypeSyntax] {
        guard case .argumentList(let arguments)? = attribute.arguments else { return [] }
        return arguments.compactMap { argument in
            if let member = argument.expression.as(MemberAccessExprSyntax.self),
                member.declName.baseName.tokenKind == .keyword(.self),
                let base = member.base,
                argument.label == nil
            {
                return TypeSyntax(stringLiteral: base.trimmedDescription)
            }
            context.diagnose(
                Diagnostic(node: argument, message: ServiceInterfaceDiagnostic.interfaceArgument(written: argument.expression.trimmedDescription))
            )
            return nil
        }
    }

    /// `members` with `interfaces` added to the inheritance clause of the `Service` struct.
    static func adding(_ interfaces: [TypeSyntax], toHandleIn members: [DeclSyntax]) -> [DeclSyntax] {
        guard !interfaces.isEmpty else { return members }
        return members.map { member in
            guard let handle = member.as(StructDeclSyntax.self), handle.name.text == "Service",
                let clause = handle.inheritanceClause, let last = clause.inheritedTypes.last
            else { return member }
            var inherited = Array(clause.inheritedTypes)
            // The space before `{` moves from the last written type to the last added one.
            let trailing = last.trailingTrivia
            inherited[inherited.count - 1] = last.trimmed.with(\.trailingComma, .commaToken(trailingTrivia: .space))
            for (index, interface) in interfaces.enumerated() {
                let isLast = index == interfaces.count - 1
                inherited.append(
                    InheritedTypeSyntax(
                        type: interface.with(\.trailingTrivia, isLast ? trailing : []),
                        trailingComma: isLast ? nil : .commaToken(trailingTrivia: .space)
                    )
                )
            }
            return DeclSyntax(handle.with(\.inheritanceClause, clause.with(\.inheritedTypes, InheritedTypeListSyntax(inherited))))
        }
    }
}
