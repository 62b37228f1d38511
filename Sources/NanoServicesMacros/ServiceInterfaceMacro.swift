import SwiftDiagnostics
import SwiftSyntax
import SwiftSyntaxMacros

/// `@ServiceInterface`: checks, on a protocol, that a `@NanoService` handle can conform to it.
///
/// Generates nothing. A handle implements a requirement with a forwarded method: a cast (no
/// result, does not throw) or a call (`throws`, because it can fail with `ServiceError`). So
/// every requirement that returns a value must be `throws` (an error with a
/// fix-it), and requirements that no handle method can satisfy are rejected with the reason:
/// properties (except the handle's own `control`), methods named like the handle's own
/// members (`control`, `timingOut`: see ``HandleMembers``), subscripts, initializers, static requirements, typed throws, `rethrows`, generic methods,
/// and `inout`, variadic, `@autoclosure`, `isolated` or opaque (`some`) parameters.
public enum ServiceInterfaceMacro: PeerMacro {
    public static func expansion(
        of node: AttributeSyntax,
        providingPeersOf declaration: some DeclSyntaxProtocol,
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        guard let protocolDeclaration = declaration.as(ProtocolDeclSyntax.self) else {
            context.diagnose(
                Diagnostic(node: node, message: ServiceInterfaceDiagnostic.notAProtocol(kind: Self.kind(of: declaration)))
            )
            return []
        }
        var checker = ServiceInterfaceChecker()
        checker.check(protocolDeclaration)
        checker.diagnostics.forEach(context.diagnose)
        return []
    }

    private static func kind(of declaration: some DeclSyntaxProtocol) -> String {
        switch declaration.kind {
        case .classDecl: "a class"
        case .structDecl: "a struct"
        case .enumDecl: "an enum"
        case .actorDecl: "an actor"
        case .extensionDecl: "an extension"
        case .functionDecl: "a function"
        case .variableDecl: "a property"
        default: "this declaration"
        }
    }
}

/// Reads a protocol's requirements and diagnoses those a service handle cannot implement.
struct ServiceInterfaceChecker {
    private(set) var diagnostics: [Diagnostic] = []

    mutating func check(_ declaration: ProtocolDeclSyntax) {
        for member in declaration.memberBlock.members {
            let decl = member.decl
            if let function = decl.as(FunctionDeclSyntax.self) {
                check(function)
            } else if let variable = decl.as(VariableDeclSyntax.self) {
                check(variable)
            } else if let subscriptDeclaration = decl.as(SubscriptDeclSyntax.self) {
                diagnose(
                    subscriptDeclaration.subscriptKeyword,
                    .cannotImplement(requirement: "subscript", reason: "subscripts are not forwarded; make it a method")
                )
            } else if let initializer = decl.as(InitializerDeclSyntax.self) {
                diagnose(
                    initializer.initKeyword,
                    .cannotImplement(
                        requirement: "init",
                        reason: "a handle is created by its spawning initializers, which also take 'options:'; move creation out of the protocol"
                    )
                )
            }
        }
    }

    private mutating func check(_ function: FunctionDeclSyntax) {
        let name = function.name.bareName
        if HandleMembers.reservedNames.contains(name) {
            // A service method cannot have this name, so no handle method can be the witness.
            diagnose(function.name, .collidesWithHandle(requirement: name))
            return
        }
        if let staticModifier = function.modifiers.first(where: {
            $0.name.tokenKind == .keyword(.static) || $0.name.tokenKind == .keyword(.class)
        }) {
            diagnose(staticModifier, .cannotImplement(requirement: name, reason: "static methods are not forwarded"))
            return
        }
        if let generics = function.genericParameterClause {
            diagnose(
                generics,
                .cannotImplement(requirement: name, reason: "generic methods cannot be forwarded; remove its generic parameters")
            )
        }
        for parameter in function.signature.parameterClause.parameters {
            checkParameter(parameter, of: name)
        }
        if let opaque = function.signature.returnClause.flatMap({ WrittenType($0.type, typeName: "Self").opaqueType }) {
            diagnose(
                opaque,
                .cannotImplement(requirement: name, reason: "an opaque result type cannot be carried back to the caller; return a concrete or 'any' type")
            )
        }
        checkEffects(of: function, name: name)
    }

    private mutating func checkParameter(_ parameter: FunctionParameterSyntax, of name: String) {
        let nameToken = parameter.secondName ?? parameter.firstName
        let shown = nameToken.tokenKind == .wildcard ? "parameter" : "parameter '\(nameToken.bareName)'"
        let type = WrittenType(parameter.type, typeName: "Self")
        let problem: (node: Syntax, reason: String)? =
            if type.isInout {
                (Syntax(parameter), "'inout' \(shown) cannot cross to the service's thread; pass the value and return the result")
            } else if let isolated = type.isolatedSpecifier {
                (Syntax(isolated), "'isolated' \(shown) would tie it to the caller's actor, not the service's thread")
            } else if let ellipsis = parameter.ellipsis {
                (Syntax(ellipsis), "variadic \(shown) cannot be passed on; take an array")
            } else if let autoclosure = type.autoclosureAttribute {
                (Syntax(autoclosure), "'@autoclosure' \(shown) would be evaluated on the service's thread; take a value")
            } else if let opaque = type.opaqueType {
                (Syntax(opaque), "opaque \(shown) cannot be stored in a message; use a concrete or 'any' type")
            } else {
                nil
            }
        if let problem {
            diagnose(problem.node, .cannotImplement(requirement: name, reason: problem.reason))
        }
    }

    /// A requirement that returns a value must be plain `throws`.
    private mutating func checkEffects(of function: FunctionDeclSyntax, name: String) {
        let signature = function.signature
        let effects = signature.effectSpecifiers
        if let throwsClause = effects?.throwsClause {
            if throwsClause.throwsSpecifier.tokenKind == .keyword(.rethrows) {
                diagnose(
                    throwsClause.throwsSpecifier,
                    .cannotImplement(requirement: name, reason: "'rethrows' depends on a closure argument; use 'throws'")
                )
            } else if throwsClause.type != nil {
                let plain = throwsClause
                    .with(\.leftParen, nil).with(\.type, nil).with(\.rightParen, nil)
                    .with(\.throwsSpecifier, throwsClause.throwsSpecifier.with(\.trailingTrivia, throwsClause.trailingTrivia))
                diagnose(
                    throwsClause,
                    .typedThrows(requirement: name),
                    fixIts: [FixIt.replace(message: ServiceInterfaceFixIt.usePlainThrows, oldNode: throwsClause, newNode: plain)]
                )
            }
            return
        }
        // No result and no `throws`: a cast implements it (also an `async` one: a synchronous,
        // non-throwing witness meets an `async` requirement).
        guard !HandleMembers.returnsNothing(signature.returnClause) else { return }
        diagnose(
            function.name,
            .requirementMustThrow(requirement: name),
            fixIts: [FixIt.replace(message: ServiceInterfaceFixIt.addThrows, oldNode: signature, newNode: Self.addingThrows(to: signature))]
        )
    }

    private mutating func check(_ variable: VariableDeclSyntax) {
        for binding in variable.bindings {
            guard let identifier = binding.pattern.as(IdentifierPatternSyntax.self) else { continue }
            let name = identifier.identifier.bareName
            if let type = HandleMembers.requirableProperties[name], !variable.modifiers.contains(.static),
                Self.isGetOnly(binding), Self.names(binding, type)
            {
                continue
            }
            if let type = HandleMembers.requirableProperties[name] {
                let reason = "the handle's own '\(name)' is an instance property of type '\(type)'; declare it 'var \(name): \(type) { get }'"
                diagnose(identifier, .cannotImplement(requirement: name, reason: reason))
                continue
            }
            diagnose(identifier, .propertyRequirement(name: name))
        }
    }

    private static func isGetOnly(_ binding: PatternBindingSyntax) -> Bool {
        guard case .accessors(let accessors)? = binding.accessorBlock?.accessors else { return false }
        return accessors.allSatisfy { $0.accessorSpecifier.tokenKind == .keyword(.get) }
    }

    /// Whether the binding is declared with the type `type` (`ServiceControl` or
    /// `NanoServices.ServiceControl`).
    private static func names(_ binding: PatternBindingSyntax, _ type: String) -> Bool {
        guard let written = binding.typeAnnotation?.type.trimmedDescription else { return false }
        return written == type || written == "NanoServices.\(type)"
    }

    /// `(…) -> T` becomes `(…) throws -> T`; `(…) async -> T` becomes `(…) async throws -> T`.
    static func addingThrows(to signature: FunctionSignatureSyntax) -> FunctionSignatureSyntax {
        var effects = signature.effectSpecifiers ?? FunctionEffectSpecifiersSyntax()
        let throwsKeyword: TokenSyntax
        if let asyncSpecifier = effects.asyncSpecifier {
            // `async` keeps its place; `throws` takes over the space that followed it.
            throwsKeyword = .keyword(.throws, trailingTrivia: asyncSpecifier.trailingTrivia)
            effects.asyncSpecifier = asyncSpecifier.with(\.trailingTrivia, .space)
        } else {
            // `(…) -> T`: the space before `->` now follows `throws`.
            throwsKeyword = .keyword(.throws, trailingTrivia: .space)
        }
        effects.throwsClause = ThrowsClauseSyntax(throwsSpecifier: throwsKeyword)
        return signature.with(\.effectSpecifiers, effects)
    }

    private mutating func diagnose(_ node: some SyntaxProtocol, _ message: ServiceInterfaceDiagnostic, fixIts: [FixIt] = []) {
        diagnostics.append(Diagnostic(node: node, message: message, fixIts: fixIts))
    }
}
