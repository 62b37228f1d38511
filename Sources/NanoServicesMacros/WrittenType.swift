import SwiftSyntax

/// A parameter or result type as the user wrote it, and the forms generated code needs:
/// the full signature type, the bare value type for the message enum, and a metatype base
/// for the `Sendable` check.
struct WrittenType {
    /// The type with `Self` replaced by the service type's name.
    let type: TypeSyntax

    /// The type as it appears in the source file: diagnostics point at its nodes, which have
    /// a location (the rewritten `type` is a detached copy, without one).
    private let sourceType: TypeSyntax

    /// Reads `type`, replacing `Self` (which would mean the handle or the enum in generated
    /// code) by `typeName`.
    init(_ type: TypeSyntax, typeName: String) {
        self.type = SelfReplacer(typeName: typeName).rewrite(type).cast(TypeSyntax.self)
        self.sourceType = type
    }

    private var attributed: AttributedTypeSyntax? {
        type.as(AttributedTypeSyntax.self)
    }

    /// `true` when the type is marked `sending`.
    var isSending: Bool {
        hasSpecifier(.sending)
    }

    /// `true` when the type is marked `consuming` (or `__owned`): the callee owns the value.
    var isConsuming: Bool {
        hasSpecifier(.consuming) || hasSpecifier(.__owned)
    }

    /// `true` when the type is marked `borrowing` (or `__shared`): the value must be copied
    /// explicitly to be stored.
    var isBorrowing: Bool {
        hasSpecifier(.borrowing) || hasSpecifier(.__shared)
    }

    /// `true` when the type is marked `inout`.
    var isInout: Bool {
        hasSpecifier(.inout)
    }

    /// The `isolated` specifier, if any, in the source file (for diagnostics).
    var isolatedSpecifier: TokenSyntax? {
        sourceType.as(AttributedTypeSyntax.self)?.specifiers.lazy
            .compactMap { $0.as(SimpleTypeSpecifierSyntax.self)?.specifier }
            .first { $0.tokenKind == .keyword(.isolated) }
    }

    /// The `@autoclosure` attribute, if any, in the source file (for diagnostics).
    var autoclosureAttribute: AttributeSyntax? {
        sourceType.as(AttributedTypeSyntax.self)?.attributes.lazy.compactMap { $0.as(AttributeSyntax.self) }
            .first { $0.baseName == "autoclosure" }
    }

    /// The first opaque `some` type anywhere inside, if any, in the source file (for
    /// diagnostics).
    var opaqueType: SomeOrAnyTypeSyntax? {
        OpaqueTypeFinder.first(in: sourceType)
    }

    /// The type of the value alone: without ownership specifiers (`sending`, `borrowing`,
    /// `consuming`...) and without `@escaping`, which cannot appear in a stored position.
    var valueType: TypeSyntax {
        guard let attributed else { return type.trimmed }
        let attributes = attributed.attributes.filter { element in
            guard let attribute = element.as(AttributeSyntax.self) else { return true }
            return attribute.baseName != "escaping"
        }
        if attributes.isEmpty && attributed.lateSpecifiers.isEmpty {
            return attributed.baseType.trimmed
        }
        return TypeSyntax(
            attributed
                .with(\.specifiers, [])
                .with(\.attributes, attributes)
                .trimmed
        )
    }

    /// The type for the handle's signature: as written, plus `@escaping` on a function type
    /// that lacks it (the handle stores the closure in a message, so it escapes).
    var signatureType: String {
        guard isFunctionType(valueType), !hasEscapingAttribute else {
            return type.trimmedDescription
        }
        guard let attributed else {
            return "@escaping \(type.trimmedDescription)"
        }
        let specifiers = attributed.specifiers.map { "\($0.trimmedDescription) " }.joined()
        let attributes = attributed.attributes.map { "\($0.trimmedDescription) " }.joined()
        let lateSpecifiers = attributed.lateSpecifiers.map { "\($0.trimmedDescription) " }.joined()
        return "\(specifiers)@escaping \(attributes)\(lateSpecifiers)\(attributed.baseType.trimmedDescription)"
    }

    /// The value type in a form that can be followed by `.self`: parenthesized when it is a
    /// function, attributed, existential or composition type.
    var metatypeBase: String {
        let value = valueType
        if value.is(FunctionTypeSyntax.self) || value.is(AttributedTypeSyntax.self)
            || value.is(SomeOrAnyTypeSyntax.self) || value.is(CompositionTypeSyntax.self)
        {
            return "(\(value.trimmedDescription))"
        }
        return value.trimmedDescription
    }

    /// `true` for `Void`, `Swift.Void` and `()`.
    var isVoid: Bool {
        let value = valueType
        if let identifier = value.as(IdentifierTypeSyntax.self) {
            return identifier.name.text == "Void" && identifier.genericArgumentClause == nil
        }
        if let member = value.as(MemberTypeSyntax.self) {
            return member.name.text == "Void" && member.baseType.trimmedDescription == "Swift"
        }
        if let tuple = value.as(TupleTypeSyntax.self) {
            return tuple.elements.isEmpty
        }
        return false
    }

    private var hasEscapingAttribute: Bool {
        attributed?.attributes.contains { $0.as(AttributeSyntax.self)?.baseName == "escaping" } ?? false
    }

    private func isFunctionType(_ type: TypeSyntax) -> Bool {
        if type.is(FunctionTypeSyntax.self) { return true }
        if let attributed = type.as(AttributedTypeSyntax.self) {
            return attributed.baseType.is(FunctionTypeSyntax.self)
        }
        return false
    }

    private func specifier(_ keyword: Keyword) -> TokenSyntax? {
        attributed?.specifiers.lazy
            .compactMap { $0.as(SimpleTypeSpecifierSyntax.self)?.specifier }
            .first { $0.tokenKind == .keyword(keyword) }
    }

    private func hasSpecifier(_ keyword: Keyword) -> Bool {
        specifier(keyword) != nil
    }
}

/// Finds the first opaque `some` type in a type.
private final class OpaqueTypeFinder: SyntaxVisitor {
    private var found: SomeOrAnyTypeSyntax?

    static func first(in type: TypeSyntax) -> SomeOrAnyTypeSyntax? {
        let finder = OpaqueTypeFinder(viewMode: .sourceAccurate)
        finder.walk(type)
        return finder.found
    }

    override func visit(_ node: SomeOrAnyTypeSyntax) -> SyntaxVisitorContinueKind {
        if found == nil, node.someOrAnySpecifier.tokenKind == .keyword(.some) {
            found = node
        }
        return found == nil ? .visitChildren : .skipChildren
    }
}
