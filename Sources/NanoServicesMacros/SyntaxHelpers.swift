import SwiftDiagnostics
import SwiftSyntax

/// Replaces `Self` by the service type's name. Generated code lives in the handle and the
/// message enum, where `Self` would name them instead of the service type.
final class SelfReplacer: SyntaxRewriter {
    private let typeName: String

    init(typeName: String) {
        self.typeName = typeName
        super.init(viewMode: .sourceAccurate)
    }

    override func visit(_ node: IdentifierTypeSyntax) -> TypeSyntax {
        guard node.name.tokenKind == .keyword(.Self) else { return super.visit(node) }
        return TypeSyntax(node.with(\.name, replacement(for: node.name)))
    }

    override func visit(_ node: DeclReferenceExprSyntax) -> ExprSyntax {
        guard node.baseName.tokenKind == .keyword(.Self) else { return super.visit(node) }
        return ExprSyntax(node.with(\.baseName, replacement(for: node.baseName)))
    }

    private func replacement(for token: TokenSyntax) -> TokenSyntax {
        .identifier(typeName, leadingTrivia: token.leadingTrivia, trailingTrivia: token.trailingTrivia)
    }
}

extension AttributeSyntax {
    /// The attribute's name without module qualification: `Call` for `@NanoServices.Call`.
    var baseName: String? {
        if let identifier = attributeName.as(IdentifierTypeSyntax.self) {
            return identifier.name.text
        }
        if let member = attributeName.as(MemberTypeSyntax.self) {
            return member.name.text
        }
        return nil
    }
}

extension AttributeListSyntax {
    /// The attributes named `name` (with or without module qualification), in source order.
    func attributes(named name: String) -> [AttributeSyntax] {
        compactMap { $0.as(AttributeSyntax.self) }.filter { $0.baseName == name }
    }
}

extension DeclModifierListSyntax {
    /// Whether one of the modifiers is `keyword`.
    func contains(_ keyword: Keyword) -> Bool {
        contains { $0.name.tokenKind == .keyword(keyword) }
    }
}

extension SyntaxProtocol {
    /// The `///` documentation lines in front of the declaration, without the slashes and
    /// the one space after them.
    var documentationLines: [String] {
        leadingTrivia.compactMap { piece -> String? in
            guard case .docLineComment(let text) = piece else { return nil }
            var line = text.dropFirst(3)
            if line.first == " " { line = line.dropFirst() }
            return String(line)
        }
    }
}

extension TokenSyntax {
    /// The identifier without backticks: `default` for `` `default` ``.
    var bareName: String {
        identifier?.name ?? text
    }
}

/// Fix-its that are built the same way for several diagnostics.
enum NanoServiceFixIts {
    /// Removes `attribute` together with the space after it, keeping the line's indentation.
    static func remove(_ attribute: AttributeSyntax, named name: String) -> FixIt {
        let nothing = TokenSyntax(
            .stringSegment(""),
            leadingTrivia: attribute.leadingTrivia,
            trailingTrivia: [],
            presence: .present
        )
        return FixIt.replace(
            message: NanoServiceFixIt.removeAttribute(name: name),
            oldNode: attribute,
            newNode: nothing
        )
    }

    /// Makes a class `final`: inserts `final` before `class`, or turns `open` into
    /// `public final` (an open class cannot be final).
    static func makeFinal(_ declaration: ClassDeclSyntax) -> FixIt {
        if let open = declaration.modifiers.first(where: { $0.name.tokenKind == .keyword(.open) }) {
            let publicFinal = DeclModifierListSyntax([
                DeclModifierSyntax(name: .keyword(.public, leadingTrivia: open.leadingTrivia, trailingTrivia: .space)),
                DeclModifierSyntax(name: .keyword(.final, trailingTrivia: open.trailingTrivia)),
            ])
            return FixIt.replace(message: NanoServiceFixIt.replaceOpenWithPublicFinal, oldNode: open, newNode: publicFinal)
        }
        let classKeyword = declaration.classKeyword
        // Written as two modifiers so that the replacement is plain syntax: `final class`.
        let finalClass = DeclModifierListSyntax([
            DeclModifierSyntax(name: .keyword(.final, leadingTrivia: classKeyword.leadingTrivia, trailingTrivia: .space)),
            DeclModifierSyntax(name: .keyword(.class, trailingTrivia: classKeyword.trailingTrivia)),
        ])
        return FixIt.replace(message: NanoServiceFixIt.addFinal, oldNode: classKeyword, newNode: finalClass)
    }
}
