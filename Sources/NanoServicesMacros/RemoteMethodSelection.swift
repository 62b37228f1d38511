import SwiftDiagnostics
import SwiftSyntax

/// Chooses the forwarded methods that cross processes: every method of the model except those
/// marked `@LocalOnly`, and except those with a closure in their signature, which are
/// diagnosed (with a fix-it that marks them `@LocalOnly`).
///
/// Whether a type is `Codable` cannot be seen in syntax: the generator adds a compile-time
/// check (`_requireCodable`) naming the method instead.
struct RemoteMethodSelection {
    /// The declarations of the type's methods (also inside `#if` clauses), in source order.
    private var functions: [FunctionDeclSyntax]
    private(set) var diagnostics: [Diagnostic] = []

    init(declaration: some DeclGroupSyntax) {
        functions = Self.functions(in: declaration.memberBlock.members)
    }

    /// The model's message methods that cross processes, in declaration order.
    mutating func remoteMethods(of model: ServiceModel) -> [ServiceMethod] {
        var remaining = functions
        return model.messageMethods.filter { method in
            guard let index = remaining.firstIndex(where: { Self.displayName(of: $0) == method.displayName }) else {
                return true
            }
            let function = remaining.remove(at: index)
            if !function.attributes.attributes(named: "LocalOnly").isEmpty { return false }
            return accepts(method, declaredBy: function)
        }
    }

    /// Diagnoses a closure among the parameters or in the result; `false` when there is one.
    private mutating func accepts(_ method: ServiceMethod, declaredBy function: FunctionDeclSyntax) -> Bool {
        let fixIts = [AddLocalOnlyFixIt.fixIt(for: function)]
        for (parameter, syntax) in zip(method.parameters, function.signature.parameterClause.parameters)
        where parameter.valueType.contains("->") {
            diagnostics.append(
                Diagnostic(
                    node: syntax,
                    message: RemoteDiagnostic.closureParameter(methodName: method.displayName, parameterName: parameter.name),
                    fixIts: fixIts
                )
            )
            return false
        }
        if let result = function.signature.returnClause, result.type.description.contains("->") {
            diagnostics.append(
                Diagnostic(node: result.type, message: RemoteDiagnostic.closureResult(methodName: method.displayName), fixIts: fixIts)
            )
            return false
        }
        return true
    }

    private static func displayName(of function: FunctionDeclSyntax) -> String {
        ServiceModelParser.displayName(function.name.bareName, function.signature.parameterClause)
    }

    private static func functions(in members: MemberBlockItemListSyntax) -> [FunctionDeclSyntax] {
        members.flatMap { item -> [FunctionDeclSyntax] in
            if let function = item.decl.as(FunctionDeclSyntax.self) { return [function] }
            guard let ifConfig = item.decl.as(IfConfigDeclSyntax.self) else { return [] }
            return ifConfig.clauses.flatMap { clause -> [FunctionDeclSyntax] in
                guard case .decls(let nested)? = clause.elements else { return [] }
                return functions(in: nested)
            }
        }
    }
}
