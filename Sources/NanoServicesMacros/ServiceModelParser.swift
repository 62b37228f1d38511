import SwiftDiagnostics
import SwiftSyntax

/// Reads the declaration `@NanoService` is attached to into a ``ServiceModel``, and collects
/// a diagnostic for everything it cannot forward.
///
/// A member with an error is left out of the model, so that the generated code compiles and
/// the user sees only the macro's own, precise diagnostic.
struct ServiceModelParser {
    /// The diagnostics found so far, in source order.
    private(set) var diagnostics: [Diagnostic] = []

    /// The service type's name, set once the declaration is known to be a class or struct.
    private(set) var typeName = ""
    /// The access level of the generated code.
    private(set) var typeAccessLevel = AccessLevel.internal
    /// `true` when the service type is a struct (its `async` methods cannot be forwarded).
    private(set) var isStructTarget = false

    /// Returns the model, or `nil` when the declaration cannot be a service at all (an actor,
    /// an enum, a protocol, an extension, a type isolated to a global actor).
    mutating func parse(_ declaration: some DeclGroupSyntax) -> ServiceModel? {
        guard readKind(of: declaration) else { return nil }
        typeAccessLevel = AccessLevel(modifiers: declaration.modifiers).forGeneratedMembers

        var members = ServiceMembers()
        collect(declaration.memberBlock.members, conditions: [], into: &members)
        if !members.declaresInitializer, let implicit = implicitInitializer(of: declaration) {
            members.initializers.append(implicit)
        }
        Self.assignCaseNames(&members.methods)
        return ServiceModel(
            typeName: typeName,
            accessLevel: typeAccessLevel,
            initializers: members.initializers,
            methods: members.methods,
            rejectedInitializers: members.rejectedInitializers
        )
    }

    /// Records a diagnostic attached to `node`.
    mutating func diagnose(
        _ node: some SyntaxProtocol,
        _ message: NanoServiceDiagnostic,
        fixIts: [FixIt] = []
    ) {
        diagnostics.append(Diagnostic(node: node, message: message, fixIts: fixIts))
    }

    /// Accepts a class or a struct and diagnoses anything else. Returns `false` when no code
    /// can be generated.
    private mutating func readKind(of declaration: some DeclGroupSyntax) -> Bool {
        if let classDeclaration = declaration.as(ClassDeclSyntax.self) {
            typeName = classDeclaration.name.text
            if !classDeclaration.modifiers.contains(.final) {
                diagnose(
                    classDeclaration.classKeyword,
                    .nonFinalClass(typeName: classDeclaration.name.bareName),
                    fixIts: [NanoServiceFixIts.makeFinal(classDeclaration)]
                )
            }
            return !diagnoseGlobalActor(on: classDeclaration.attributes, typeName: classDeclaration.name.bareName)
        }
        if let structDeclaration = declaration.as(StructDeclSyntax.self) {
            typeName = structDeclaration.name.text
            isStructTarget = true
            return !diagnoseGlobalActor(on: structDeclaration.attributes, typeName: structDeclaration.name.bareName)
        }
        if let actorDeclaration = declaration.as(ActorDeclSyntax.self) {
            diagnose(actorDeclaration.actorKeyword, .actorType(typeName: actorDeclaration.name.bareName))
        } else if let enumDeclaration = declaration.as(EnumDeclSyntax.self) {
            diagnose(
                enumDeclaration.enumKeyword,
                .unsupportedDeclaration(kind: "enum", name: enumDeclaration.name.bareName)
            )
        } else if let protocolDeclaration = declaration.as(ProtocolDeclSyntax.self) {
            diagnose(
                protocolDeclaration.protocolKeyword,
                .unsupportedDeclaration(kind: "protocol", name: protocolDeclaration.name.bareName)
            )
        } else if let extensionDeclaration = declaration.as(ExtensionDeclSyntax.self) {
            diagnose(
                extensionDeclaration.extensionKeyword,
                .unsupportedDeclaration(kind: "extension", name: extensionDeclaration.extendedType.trimmedDescription)
            )
        }
        return false
    }

    /// Diagnoses `@MainActor` (or another global actor, by the `...Actor` naming convention)
    /// on the service type: its instance lives on its own thread, so it cannot be isolated to
    /// an actor. The fix-it makes the type `nonisolated`. Returns `true` when there was one:
    /// nothing is generated then, so that this is the only diagnostic.
    private mutating func diagnoseGlobalActor(on attributes: AttributeListSyntax, typeName: String) -> Bool {
        guard let attribute = attributes.globalActorAttribute, let attributeName = attribute.baseName else { return false }
        diagnose(
            attribute,
            .globalActorType(typeName: typeName, actorName: attributeName),
            fixIts: [NanoServiceFixIts.replaceWithNonisolated(attribute, named: attributeName)]
        )
        return true
    }

    /// The spawning initializer for a type that declares no initializer: `init()`.
    ///
    /// A struct whose stored properties lack default values has only a memberwise
    /// initializer, which the macro cannot see the types of; it is diagnosed instead.
    private mutating func implicitInitializer(of declaration: some DeclGroupSyntax) -> ServiceInitializer? {
        if let structDeclaration = declaration.as(StructDeclSyntax.self),
            Self.hasStoredPropertyWithoutDefault(structDeclaration)
        {
            diagnose(structDeclaration.structKeyword, .memberwiseInitializerNeeded(typeName: structDeclaration.name.bareName))
            return nil
        }
        return ServiceInitializer(
            displayName: "init()",
            parameters: [],
            isThrowing: false,
            isFailable: false,
            accessLevel: min(.internal, typeAccessLevel),
            documentation: [],
            availability: .none,
            conditions: []
        )
    }

    /// Whether a struct has an instance stored property the implicit `init()` cannot set:
    /// no initial value, not an optional `var` (those default to `nil`), no property wrapper.
    private static func hasStoredPropertyWithoutDefault(_ declaration: StructDeclSyntax) -> Bool {
        for member in declaration.memberBlock.members {
            guard let variable = member.decl.as(VariableDeclSyntax.self),
                !variable.modifiers.contains(.static),
                !variable.modifiers.contains(.lazy),
                variable.attributes.isEmpty
            else { continue }
            let isVar = variable.bindingSpecifier.tokenKind == .keyword(.var)
            for binding in variable.bindings where binding.initializer == nil {
                if let accessors = binding.accessorBlock, !accessors.isObserversOnly { continue }
                let type = binding.typeAnnotation?.type
                let isOptional = type?.is(OptionalTypeSyntax.self) ?? false
                    || type?.is(ImplicitlyUnwrappedOptionalTypeSyntax.self) ?? false
                if isVar && isOptional { continue }
                return true
            }
        }
        return false
    }

    /// Gives every method a unique case name: overloaded names become `name_1`, `name_2`...
    /// in declaration order, skipping names already taken.
    static func assignCaseNames(_ methods: inout [ServiceMethod]) {
        var indicesByName: [String: [Int]] = [:]
        var namesInOrder: [String] = []
        for (index, method) in methods.enumerated() {
            if indicesByName[method.bareName] == nil { namesInOrder.append(method.bareName) }
            indicesByName[method.bareName, default: []].append(index)
        }
        var taken = Set(namesInOrder.filter { indicesByName[$0]?.count == 1 })
        for name in namesInOrder {
            guard let indices = indicesByName[name], indices.count > 1 else { continue }
            var ordinal = 0
            for index in indices {
                var candidate: String
                repeat {
                    ordinal += 1
                    candidate = "\(name)_\(ordinal)"
                } while taken.contains(candidate)
                taken.insert(candidate)
                methods[index].caseName = candidate
            }
        }
    }
}

extension AccessorBlockSyntax {
    /// `true` when the accessors are only `willSet`/`didSet`, so the property is stored.
    var isObserversOnly: Bool {
        guard case .accessors(let accessors) = self.accessors else { return false }
        return accessors.allSatisfy {
            $0.accessorSpecifier.tokenKind == .keyword(.willSet) || $0.accessorSpecifier.tokenKind == .keyword(.didSet)
        }
    }
}
