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

extension AttributeListSyntax {
    /// The global actor attributes: `@MainActor`, or a custom attribute without arguments
    /// whose name ends in `Actor`, the naming convention of global actors (a macro cannot see
    /// what an attribute declared elsewhere is).
    var globalActorAttributes: [AttributeSyntax] {
        compactMap { $0.as(AttributeSyntax.self) }.filter { attribute in
            guard let name = attribute.baseName else { return false }
            return name.hasSuffix("Actor") && attribute.arguments == nil
        }
    }

    /// The first global actor attribute, if any.
    var globalActorAttribute: AttributeSyntax? {
        globalActorAttributes.first
    }
}

extension DeclModifierListSyntax {
    /// Whether one of the modifiers is `keyword`.
    func contains(_ keyword: Keyword) -> Bool {
        contains { $0.name.tokenKind == .keyword(keyword) }
    }
}

extension SyntaxProtocol {
    /// The documentation in front of the declaration, line by line: `///` lines without the
    /// slashes and the one space after them, and `/** */` blocks without their delimiters and
    /// the ` * ` a continuation line may start with.
    var documentationLines: [String] {
        leadingTrivia.flatMap { piece -> [String] in
            switch piece {
            case .docLineComment(let text):
                var line = text.dropFirst(3)
                if line.first == " " { line = line.dropFirst() }
                return [String(line)]
            case .docBlockComment(let text):
                return Self.blockDocumentationLines(text)
            default:
                return []
            }
        }
    }

    /// The lines of a `/** ... */` comment: without the delimiters, without the leading
    /// whitespace the lines share (or up to and including a leading `* `), and without empty
    /// first and last lines.
    private static func blockDocumentationLines(_ text: String) -> [String] {
        var body = Substring(text).dropFirst(3)
        if body.hasSuffix("*/") { body = body.dropLast(2) }
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        let continuation = lines.dropFirst().filter { !$0.allSatisfy(\.isWhitespace) }
        if !continuation.isEmpty, continuation.allSatisfy({ $0.drop(while: \.isWhitespace).hasPrefix("*") }) {
            lines = [lines[0]] + lines.dropFirst().map { line in
                var rest = line.drop(while: \.isWhitespace)
                rest = rest.dropFirst()  // the `*`
                if rest.first == " " { rest = rest.dropFirst() }
                return String(rest)
            }
        } else {
            let indentation = continuation.map { $0.prefix(while: \.isWhitespace).count }.min() ?? 0
            lines = [lines[0]] + lines.dropFirst().map { String($0.dropFirst(indentation)) }
        }
        lines[0] = String(lines[0].drop(while: \.isWhitespace))
        lines = lines.map { String($0.reversed().drop(while: \.isWhitespace).reversed()) }
        while lines.first?.isEmpty == true { lines.removeFirst() }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
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

    /// Replaces a global actor attribute with the `nonisolated` modifier.
    static func replaceWithNonisolated(_ attribute: AttributeSyntax, named name: String) -> FixIt {
        let nonisolated = TokenSyntax(
            .keyword(.nonisolated),
            leadingTrivia: attribute.leadingTrivia,
            trailingTrivia: attribute.trailingTrivia,
            presence: .present
        )
        return FixIt.replace(
            message: NanoServiceFixIt.replaceWithNonisolated(name: name),
            oldNode: attribute,
            newNode: nonisolated
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

extension Availability {
    /// Reads the `@available` attributes of a declaration.
    init(_ attributes: AttributeListSyntax) {
        var copied: [String] = []
        var isUnavailable = false
        var isDeprecated = false
        for attribute in attributes.attributes(named: "available") {
            let words = attribute.arguments?.tokens(viewMode: .sourceAccurate).map(\.text) ?? []
            if words.contains("noasync") { continue }
            copied.append(attribute.trimmedDescription)
            if words.first == "*" && words.contains("unavailable") { isUnavailable = true }
            if words.contains("deprecated") { isDeprecated = true }
        }
        self.init(attributes: copied, isUnavailable: isUnavailable, isDeprecated: isDeprecated)
    }
}

extension DeclGroupSyntax {
    /// Whether an extension role should add its conformance: the compiler still asks for it
    /// (`protocols` lists only what the type does not conform to yet), the type is a class or
    /// a struct, and it is not isolated to a global actor (the member role diagnoses those).
    func takesGeneratedConformance(_ protocols: [TypeSyntax]) -> Bool {
        !protocols.isEmpty && (self.is(ClassDeclSyntax.self) || self.is(StructDeclSyntax.self))
            && attributes.globalActorAttribute == nil
    }
}
