/// Writes handle members that exist only to be unavailable, so that a use of them names the
/// reason instead of failing with "no member" or with a suggestion of `init(_$runtime:)`:
/// the spawning initializer of an initializer the macro rejected, and a method the user
/// declared `@available(*, unavailable)`.
struct UnavailableMemberWriter {
    let model: ServiceModel

    /// An unavailable spawning initializer with the rejected initializer's parameters.
    func write(_ initializer: RejectedInitializer, into writer: inout SourceWriter) {
        let parameters = initializer.parameters + ["options _: NanoServices.ServiceOptions = .init()"]
        writer.documentation([
            "Unavailable: `@NanoService` cannot start a `\(model.typeName)` with `\(initializer.displayName)` (see the error there)."
        ])
        writer.line(
            "@available(*, unavailable, message: \"'@NanoService' cannot forward '\(initializer.displayName)'; see the error at its declaration\")"
        )
        writer.block(
            "\(initializer.accessLevel.sourcePrefix)init\(initializer.genericParameters)(\(parameters.joined(separator: ", "))) throws\(initializer.whereClause) {"
        ) {
            $0.line("Swift.fatalError(\"unavailable\")")
        }
    }

    /// A method declared `@available(*, unavailable)`: not forwarded, declared unavailable on
    /// the handle with the same attributes (in its blocking form for a call).
    func write(_ method: ServiceMethod, into writer: inout SourceWriter) {
        let result = method.resultType.map { " -> \(method.resultIsSending ? "sending " : "")\($0)" } ?? ""
        let effects = method.kind == .call ? " throws" : ""
        writer.documentation(method.documentation)
        method.availability.attributes.forEach { writer.line($0) }
        writer.block("\(ServiceHandleGenerator.signature(of: method))\(effects)\(result) {") {
            $0.line("Swift.fatalError(\"unavailable\")")
        }
    }
}
