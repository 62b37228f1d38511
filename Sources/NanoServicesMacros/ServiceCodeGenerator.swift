import SwiftSyntax
import SwiftSyntaxBuilder

/// Turns a ``ServiceModel`` into the members `@NanoService` adds to the type: the message
/// enum `_$Message` and the handle `Service`.
///
/// Generated code names every runtime symbol with its module (`NanoServices.`), so user
/// types with the same names cannot capture it, and prefixes its private members with `_$`.
struct ServiceCodeGenerator {
    let model: ServiceModel

    /// The member declarations, in the order they are added.
    var members: [DeclSyntax] {
        [
            DeclSyntax(stringLiteral: MessageEnumGenerator(model: model).source),
            DeclSyntax(stringLiteral: ServiceHandleGenerator(model: model).source),
        ]
    }

    /// The extension that declares the conformance to `NanoService`. `nonisolated`: in a module
    /// whose default isolation is `MainActor` the conformance would otherwise be isolated to the
    /// main actor, and the service's own code, which runs on its thread, could not use what the
    /// protocol provides (`timers`).
    static func conformance(of type: some TypeSyntaxProtocol) -> ExtensionDeclSyntax {
        let declaration: DeclSyntax = "extension \(type.trimmed): nonisolated NanoServices.NanoService {}"
        return declaration.cast(ExtensionDeclSyntax.self)
    }
}
