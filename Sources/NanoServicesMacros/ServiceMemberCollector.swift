import SwiftSyntax

/// What the parser found among the members of the service type.
struct ServiceMembers {
    var methods: [ServiceMethod] = []
    var initializers: [ServiceInitializer] = []
    var rejectedInitializers: [RejectedInitializer] = []
    /// `true` when the type declares an initializer (also one inside `#if`), so it has no
    /// implicit `init()`.
    var declaresInitializer = false
}

extension ServiceModelParser {
    /// Reads the members of the type, and of the `#if` blocks among them: a member inside a
    /// clause is generated under the same condition (`conditions` are the conditions of the
    /// enclosing clauses, outermost first).
    mutating func collect(_ list: MemberBlockItemListSyntax, conditions: [String], into members: inout ServiceMembers) {
        for member in list {
            let declaration = member.decl
            if let function = declaration.as(FunctionDeclSyntax.self) {
                if let method = parseMethod(function, conditions: conditions) {
                    members.methods.append(method)
                }
            } else if let initializer = declaration.as(InitializerDeclSyntax.self) {
                members.declaresInitializer = true
                switch parseInitializer(initializer, conditions: conditions) {
                case .forwarded(let forwarded): members.initializers.append(forwarded)
                case .rejected(let rejected): members.rejectedInitializers.append(rejected)
                case .notForwarded: break
                }
            } else if let ifConfig = declaration.as(IfConfigDeclSyntax.self) {
                collect(ifConfig, conditions: conditions, into: &members)
            } else if let variable = declaration.as(VariableDeclSyntax.self) {
                diagnoseUnforwardedProperty(variable)
            } else if let subscriptDeclaration = declaration.as(SubscriptDeclSyntax.self) {
                diagnoseUnforwardedSubscript(subscriptDeclaration)
            }
        }
    }

    /// Reads every clause of an `#if` block: the members of `#elseif B` after `#if A` are
    /// generated under `!A && B`, those of `#else` under the negation of every condition.
    private mutating func collect(_ ifConfig: IfConfigDeclSyntax, conditions: [String], into members: inout ServiceMembers) {
        var earlierConditions: [String] = []
        for clause in ifConfig.clauses {
            let condition = clause.condition?.trimmedDescription
            let clauseConditions = conditions + earlierConditions.map(Self.negation) + (condition.map { [$0] } ?? [])
            if case .decls(let list) = clause.elements {
                collect(list, conditions: clauseConditions, into: &members)
            }
            if let condition { earlierConditions.append(condition) }
        }
    }

    /// `!A` for a simple condition, `!(A && B)` otherwise.
    private static func negation(_ condition: String) -> String {
        let isSimple = !condition.contains(" ") && !condition.hasPrefix("!")
        return isSimple ? "!\(condition)" : "!(\(condition))"
    }

    /// Warns about a public computed instance property: the handle forwards methods only, and
    /// the user would otherwise only learn at a use of the handle.
    private mutating func diagnoseUnforwardedProperty(_ variable: VariableDeclSyntax) {
        guard AccessLevel(modifiers: variable.modifiers).isForwarded,
            !variable.modifiers.contains(.static), !variable.modifiers.contains(.class)
        else { return }
        for binding in variable.bindings {
            guard let accessors = binding.accessorBlock, !accessors.isObserversOnly else { continue }
            let type = binding.typeAnnotation?.type.trimmedDescription ?? "..."
            diagnose(
                binding.pattern,
                .propertyNotForwarded(propertyName: binding.pattern.trimmedDescription, typeDescription: type)
            )
        }
    }

    /// Warns about a public instance subscript, which the handle cannot forward.
    private mutating func diagnoseUnforwardedSubscript(_ subscriptDeclaration: SubscriptDeclSyntax) {
        guard AccessLevel(modifiers: subscriptDeclaration.modifiers).isForwarded,
            !subscriptDeclaration.modifiers.contains(.static), !subscriptDeclaration.modifiers.contains(.class)
        else { return }
        diagnose(subscriptDeclaration.subscriptKeyword, .subscriptNotForwarded)
    }
}
