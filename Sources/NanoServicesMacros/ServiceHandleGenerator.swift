/// Writes `Service`, the thread-safe handle: spawning initializers, one method per forwarded
/// method (two for a call: blocking and `async`), and the compile-time `Sendable` checks.
struct ServiceHandleGenerator {
    let model: ServiceModel

    var source: String {
        let access = model.accessLevel.sourcePrefix
        var writer = SourceWriter()
        writer.documentation([
            "A thread-safe handle to a `\(model.typeName)` service, which runs on its own thread.",
            "",
            "Copy it and share it freely: every copy reaches the same instance, which handles one message",
            "at a time. Casts return at once; calls wait for the result (the synchronous overload blocks",
            "the thread, the `async` one suspends). Releasing the last copy stops the service gracefully;",
            "`control` stops and inspects it, `timingOut(after:)` limits how long a call site waits.",
        ])
        // `nonisolated`: the handle is used from any thread, also in a module whose default
        // isolation is `MainActor`.
        writer.block("\(access)nonisolated struct Service: NanoServices.ServiceHandle {") { body in
            body.line("\(access)typealias _Message = _$Message")
            body.line()
            body.documentation(["The runtime object behind the handle. Implementation detail of `@NanoService`."])
            body.line("\(access)let _$runtime: NanoServices._ServiceRuntime<_$Message>")
            body.line()
            body.documentation(["Wraps a running service's runtime. Implementation detail of `@NanoService`."])
            body.block("\(access)init(_$runtime: NanoServices._ServiceRuntime<_$Message>) {") {
                $0.line("self._$runtime = _$runtime")
            }
            for initializer in model.initializers {
                body.line()
                body.conditional(initializer.conditions) { writeSpawningInitializer(initializer, into: &$0) }
            }
            for rejected in model.rejectedInitializers {
                body.line()
                body.conditional(rejected.conditions) { UnavailableMemberWriter(model: model).write(rejected, into: &$0) }
            }
            for method in model.methods {
                body.line()
                body.conditional(method.conditions) { conditional in
                    if method.availability.isUnavailable {
                        UnavailableMemberWriter(model: model).write(method, into: &conditional)
                    } else {
                        writeMethod(method, into: &conditional)
                    }
                }
            }
            writeSendableChecks(into: &body)
        }
        return writer.source
    }

    private func writeSpawningInitializer(_ initializer: ServiceInitializer, into writer: inout SourceWriter) {
        let takesOptionsName = initializer.parameters.contains { $0.name == "options" }
        let optionsName = takesOptionsName ? "_$options" : "options"
        let optionsDeclaration = takesOptionsName ? "options _$options" : "options"
        let parameters = initializer.parameters.map { $0.declaration(movesSentValue: false) }
            + ["\(optionsDeclaration): NanoServices.ServiceOptions = .init()"]
        let arguments = initializer.parameters
            .map { $0.argument(value: $0.name, movedVia: "_$Message._$moved", consumesValue: false) }
            .joined(separator: ", ")
        let construction = "\(initializer.isThrowing ? "try " : "")\(model.typeName)(\(arguments))"
        let mayFail = initializer.isThrowing || initializer.isFailable

        var serviceErrorCauses = ["the service's thread cannot be started"]
        if initializer.isFailable { serviceErrorCauses.append("`\(initializer.displayName)` returns `nil`") }
        let ownError = initializer.isThrowing ? "; the error `\(initializer.displayName)` throws, unchanged" : ""
        writer.documentation(
            Self.userDocumentation(initializer.documentation) + [
                "Starts a new `\(model.typeName)` service: creates its thread and runs `\(initializer.displayName)` there.",
                "",
                "- Parameter options: The service's name, mailbox and threading options.",
                "- Throws: `ServiceError` when \(serviceErrorCauses.joined(separator: " or "))\(ownError).",
            ]
        )
        initializer.availability.attributes.forEach { writer.line($0) }
        writer.block("\(initializer.accessLevel.sourcePrefix)init(\(parameters.joined(separator: ", "))) throws {") { body in
            body.block(
                "self._$runtime = try NanoServices._ServiceRuntime(typeName: \"\(model.typeName)\", options: \(optionsName), initializerThrows: \(mayFail)) {"
            ) { closure in
                if initializer.isFailable {
                    closure.block("guard let instance = \(construction) else {") {
                        $0.line("throw NanoServices._initializerReturnedNil(\"\(model.typeName)\")")
                    }
                    closure.line("return instance")
                } else {
                    closure.line(construction)
                }
            }
        }
    }

    /// The handle's signature of a forwarded method: `public func add(_ n: Int)`.
    static func signature(of method: ServiceMethod) -> String {
        let parameters = method.parameters.map { $0.declaration(movesSentValue: true) }.joined(separator: ", ")
        return "\(method.accessLevel.sourcePrefix)func \(method.name)(\(parameters))"
    }

    private func writeMethod(_ method: ServiceMethod, into writer: inout SourceWriter) {
        let signature = Self.signature(of: method)
        // The reply slot is a local; it must not shadow a parameter named `reply`.
        let replyName = method.parameters.contains { $0.name == "reply" } ? "_$reply" : "reply"
        let messageArguments = method.parameters.map(\.messageArgument) + (method.kind == .call ? [replyName] : [])
        let message = messageArguments.isEmpty
            ? ".\(method.caseName)" : ".\(method.caseName)(\(messageArguments.joined(separator: ", ")))"

        switch method.kind {
        case .cast:
            writer.documentation(
                Self.userDocumentation(method.documentation) + [
                    "Cast: enqueues `\(method.displayName)` for the service's thread and returns at once."
                ]
            )
            method.availability.attributes.forEach { writer.line($0) }
            writer.block("\(signature) {") { $0.line("_$runtime._cast(\(message))") }
        case .call:
            let result = method.resultType.map { " -> \(method.resultIsSending ? "sending " : "")\($0)" } ?? ""
            let throwsDocumentation = method.isThrowing
                ? "- Throws: The error `\(method.displayName)` throws, or `ServiceError` when the call cannot complete."
                : "- Throws: `ServiceError` when the call cannot complete."
            let returnKeyword = method.resultType == nil ? "" : "return "
            for isAsync in [false, true] {
                if isAsync { writer.line() }
                writer.documentation(
                    Self.userDocumentation(method.documentation) + [
                        isAsync
                            ? "Call: runs `\(method.displayName)` on the service's thread; suspends until it returns, blocking no thread."
                            : "Call: runs `\(method.displayName)` on the service's thread; blocks the calling thread until it returns.",
                    ] + (isAsync ? [] : ["Not available from async code, where it would hold a cooperative thread: use `try await`."]) + [
                        "",
                        throwsDocumentation,
                    ]
                )
                method.availability.attributes.forEach { writer.line($0) }
                if !isAsync { writer.line(Self.blockingAvailability) }
                if method.hasDiscardableResult { writer.line("@discardableResult") }
                writer.block("\(signature)\(isAsync ? " async" : "") throws\(result) {") { body in
                    if !isAsync, let direct = Self.directCall(of: method) { body.line(direct) }
                    body.line("let \(replyName) = NanoServices._Reply<\(method.resultType ?? "Void")>()")
                    body.line("\(returnKeyword)try \(isAsync ? "await " : "")_$runtime._call(\(message), \(replyName))")
                }
            }
        }
    }

    /// The blocking overload's fast path, or `nil` where there is none: a synchronous method
    /// whose parameters and result are passed plainly is called directly on the instance when
    /// the runtime can run the call on the calling thread (an idle pooled service), without a
    /// message or a reply; otherwise `_callDirect` returns `nil` and the call is sent. Methods
    /// that move values (`sending`, `consuming`, `borrowing`) and `async` ones always send.
    static func directCall(of method: ServiceMethod) -> String? {
        guard !method.isAsync, !method.resultIsSending,
              method.parameters.allSatisfy({ $0.ownership == .plain }) else { return nil }
        let arguments = method.parameters
            .map { $0.argument(value: $0.name, movedVia: "", consumesValue: false) }
            .joined(separator: ", ")
        let invocation = "\(method.isThrowing ? "try " : "")$0.\(method.name)(\(arguments))"
        let direct = "try _$runtime._callDirect(\"\(method.displayName)\", { \(invocation) })"
        return method.resultType == nil
            ? "if \(direct) != nil { return }"
            : "if let _$direct = \(direct) { return _$direct }"
    }

    /// One `_requireSendableOrSending` per value that crosses threads without `sending`, under
    /// the `#if` conditions of its method or initializer.
    private func writeSendableChecks(into writer: inout SourceWriter) {
        func require(_ metatypeBase: String, _ what: String) -> String {
            "NanoServices._requireSendableOrSending(\(metatypeBase).self, \"\(what)\")"
        }
        var checks: [(conditions: [String], lines: [String])] = []
        for initializer in model.initializers {
            let lines = initializer.parameters.filter { !$0.isSending }.map {
                require($0.metatypeBase, "\(initializer.displayName) \($0.descriptionForCheck)")
            }
            checks.append((initializer.conditions, lines))
        }
        for method in model.messageMethods {
            var lines = method.parameters.filter { !$0.isSending }.map {
                require($0.metatypeBase, "\(method.displayName) \($0.descriptionForCheck)")
            }
            if let result = method.resultMetatypeBase, !method.resultIsSending {
                lines.append(require(result, "\(method.displayName) result"))
            }
            checks.append((method.conditions, lines))
        }
        checks.removeAll { $0.lines.isEmpty }
        guard !checks.isEmpty else { return }
        writer.line()
        writer.documentation([
            "Compile-time check: values that cross to the service's thread without `sending` are `Sendable`."
        ])
        writer.block("private static func _$requireSendable() {") { body in
            for check in checks {
                body.conditional(check.conditions) { conditional in check.lines.forEach { conditional.line($0) } }
            }
        }
    }

    /// Keeps the blocking overload of a call out of async code: there it would hold one of
    /// the few cooperative threads (and can starve the pool into a hang), so the compiler
    /// points to `try await` instead (an error in Swift 6 mode, as for SwiftNIO's `wait()`).
    static let blockingAvailability =
        "@available(*, noasync, message: \"blocks the calling thread: use 'try await' in async code (at the top level of main.swift, where Swift picks this overload even after 'await', make the call from an 'async' function)\")"

    /// The user's own documentation, followed by an empty line when there is any.
    private static func userDocumentation(_ lines: [String]) -> [String] {
        lines.isEmpty ? [] : lines + [""]
    }
}
