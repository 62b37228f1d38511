import SwiftDiagnostics
import SwiftSyntax

/// Every diagnostic `@RemoteService` and `@LocalOnly` can emit. IDs (domain `NanoServices`)
/// are stable: `remote-closure-parameter`, `remote-closure-result`, `remote-without-service`,
/// `remote-unsupported-declaration`, `local-only-on-non-method`.
enum RemoteDiagnostic: DiagnosticMessage, Equatable {
    /// A remote method with a parameter of function type: a closure cannot cross a process.
    case closureParameter(methodName: String, parameterName: String)
    /// A remote method whose result is, or contains, a function type.
    case closureResult(methodName: String)
    /// `@RemoteService` without `@NanoService` on the same type.
    case withoutNanoService(typeName: String)
    /// `@RemoteService` on something other than a class or struct.
    case unsupportedDeclaration
    /// `@LocalOnly` on something that is not a method.
    case localOnlyOnNonMethod

    var message: String {
        switch self {
        case .closureParameter(let methodName, let parameterName):
            "method '\(methodName)' cannot cross processes: parameter '\(parameterName)' is a closure; mark the method '@LocalOnly' to keep it out of the remote handle"
        case .closureResult(let methodName):
            "method '\(methodName)' cannot cross processes: its result contains a closure; mark the method '@LocalOnly' to keep it out of the remote handle"
        case .withoutNanoService(let typeName):
            "'@RemoteService' needs '@NanoService' on '\(typeName)': only a nano service can be served remotely"
        case .unsupportedDeclaration:
            "'@RemoteService' can only be applied to a '@NanoService' class or struct"
        case .localOnlyOnNonMethod:
            "'@LocalOnly' can only be applied to a method"
        }
    }

    private var identifier: String {
        switch self {
        case .closureParameter: "remote-closure-parameter"
        case .closureResult: "remote-closure-result"
        case .withoutNanoService: "remote-without-service"
        case .unsupportedDeclaration: "remote-unsupported-declaration"
        case .localOnlyOnNonMethod: "local-only-on-non-method"
        }
    }

    var diagnosticID: MessageID { MessageID(domain: "NanoServices", id: identifier) }

    var severity: DiagnosticSeverity { .error }
}

/// The fix-it of ``RemoteDiagnostic``: mark a method `@LocalOnly` (fix-it ID `add-local-only`).
struct AddLocalOnlyFixIt: FixItMessage {
    var message: String { "mark it '@LocalOnly'" }
    var fixItID: MessageID { MessageID(domain: "NanoServices", id: "add-local-only") }

    /// Inserts `@LocalOnly ` before the method's first attribute or modifier.
    static func fixIt(for function: FunctionDeclSyntax) -> FixIt {
        let attribute = AttributeSyntax(
            atSign: .atSignToken(),
            attributeName: IdentifierTypeSyntax(name: .identifier("LocalOnly")),
            trailingTrivia: .space
        )
        var marked = function.with(\.leadingTrivia, [])
        marked.attributes = AttributeListSyntax([.attribute(attribute)] + Array(marked.attributes))
        marked.leadingTrivia = function.leadingTrivia
        return FixIt(message: AddLocalOnlyFixIt(), changes: [.replace(oldNode: Syntax(function), newNode: Syntax(marked))])
    }
}
