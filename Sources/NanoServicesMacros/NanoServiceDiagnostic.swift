import SwiftDiagnostics

/// Every diagnostic `@NanoService`, `@Call` and `@Cast` can emit.
///
/// The `diagnosticID` of each case is stable: tools and tests may match on it. Messages name
/// the offending declaration and say what to do instead.
enum NanoServiceDiagnostic: DiagnosticMessage, Equatable {
    /// Why a `@Call` marker adds nothing.
    enum CallReason: Equatable {
        case returnsValue
        case throwsError
        case isAsync
    }

    /// `@NanoService` on an actor.
    case actorType(typeName: String)
    /// `@NanoService` on an enum, a protocol or an extension.
    case unsupportedDeclaration(kind: String, name: String)
    /// `@NanoService` on a class that is not `final`.
    case nonFinalClass(typeName: String)
    /// A struct without an explicit initializer whose memberwise initializer would be needed.
    case memberwiseInitializerNeeded(typeName: String)
    /// An `inout` parameter on a forwarded method or initializer.
    case inoutParameter(parameterName: String)
    /// A forwarded method or initializer with generic parameters.
    case genericMethod(methodName: String)
    /// A public `async` method on a struct service.
    case asyncMethod(methodName: String)
    /// `@Reentrant` on a method that is not `async`.
    case reentrantWithoutAsync(methodName: String)
    /// An `async` initializer.
    case asyncInitializer(initializerName: String)
    /// A public method whose name is also a member of every handle.
    case collidesWithHandle(methodName: String)
    /// `@Call` on a method that is a call anyway.
    case redundantCall(methodName: String, reason: CallReason)
    /// `@Cast` on a non-throwing `Void` method, which is a cast anyway.
    case redundantCast(methodName: String)
    /// `@Cast` on a method that returns a value.
    case castReturnsValue(methodName: String)
    /// `@Call` and `@Cast` on the same method.
    case callAndCast(methodName: String)
    /// `@Call` or `@Cast` on a method `@NanoService` does not forward.
    case markerWithoutEffect(marker: String, methodName: String, reason: String)
    /// `@Call` or `@Cast` on a method outside the body of a `@NanoService` type.
    case markerOutsideService(marker: String)
    /// `@Call` or `@Cast` on something that is not a method.
    case markerOnNonMethod(marker: String)
    /// A public method the macro cannot forward, with the reason.
    case cannotForward(methodName: String, reason: String)
    /// A global actor attribute (`@MainActor`) on a forwarded method or initializer.
    case globalActorMethod(methodName: String, actorName: String)
    /// A global actor attribute on the service type itself.
    case globalActorType(typeName: String, actorName: String)
    /// A public computed property, which the handle does not forward.
    case propertyNotForwarded(propertyName: String, typeDescription: String)
    /// A public subscript, which the handle does not forward.
    case subscriptNotForwarded

    var message: String {
        switch self {
        case .actorType(let typeName):
            "'@NanoService' cannot be applied to actor type '\(typeName)'; an actor already isolates its state — use a class"
        case .unsupportedDeclaration(let kind, let name):
            "'@NanoService' cannot be applied to \(kind) '\(name)'; apply it to a class (or a struct)"
        case .nonFinalClass(let typeName):
            "'@NanoService' class '\(typeName)' should be 'final'; subclasses' overrides would not be forwarded"
        case .memberwiseInitializerNeeded(let typeName):
            "'@NanoService' struct '\(typeName)' needs an explicit initializer; its memberwise initializer cannot be forwarded"
        case .inoutParameter(let parameterName):
            "'inout' parameter '\(parameterName)' cannot cross to the service's thread; pass the value and return the result"
        case .genericMethod(let methodName):
            "generic method '\(methodName)' cannot be forwarded by '@NanoService'; make it non-public or remove its generic parameters"
        case .asyncMethod(let methodName):
            "'async' method '\(methodName)' needs a class service: a struct's state cannot stay with a suspended method; make the type a final class, or '\(methodName)' synchronous"
        case .reentrantWithoutAsync(let methodName):
            "'@Reentrant' has no effect on '\(methodName)': only an 'async' method can be suspended and interleaved"
        case .asyncInitializer(let initializerName):
            "'async' initializers are not supported yet; make '\(initializerName)' synchronous or private"
        case .collidesWithHandle(let methodName):
            "public method '\(methodName)' collides with the handle's own '\(methodName)'; rename it"
        case .redundantCall(let methodName, .returnsValue):
            "'@Call' is redundant: '\(methodName)' already returns a value, so it is a call"
        case .redundantCall(let methodName, .throwsError):
            "'@Call' is redundant: '\(methodName)' already throws, so it is a call"
        case .redundantCall(let methodName, .isAsync):
            "'@Call' is redundant: '\(methodName)' is 'async', so it is a call"
        case .redundantCast(let methodName):
            "'@Cast' is redundant: '\(methodName)' returns nothing and does not throw, so it is a cast"
        case .castReturnsValue(let methodName):
            "'@Cast' cannot apply to '\(methodName)': a cast returns nothing to its caller"
        case .callAndCast(let methodName):
            "'\(methodName)' cannot be both '@Call' and '@Cast'"
        case .markerWithoutEffect(let marker, let methodName, let reason):
            "'@\(marker)' has no effect on '\(methodName)': \(reason)"
        case .markerOutsideService(let marker):
            "'@\(marker)' has no effect here: only methods declared in the body of a '@NanoService' type are forwarded"
        case .markerOnNonMethod(let marker):
            "'@\(marker)' can only be applied to a method"
        case .cannotForward(let methodName, let reason):
            "cannot forward '\(methodName)': \(reason)"
        case .globalActorMethod(let methodName, let actorName):
            "cannot forward '\(methodName)': '@\(actorName)' would isolate it to that actor, but it runs on the service's thread; remove it (the handle can be used from any actor)"
        case .globalActorType(let typeName, let actorName):
            "'@NanoService' type '\(typeName)' cannot be '@\(actorName)': its instance lives on the service's own thread; make it 'nonisolated'"
        case .propertyNotForwarded(let propertyName, let typeDescription):
            "public property '\(propertyName)' is not forwarded: the handle forwards methods only; make it a method, 'func \(propertyName)() -> \(typeDescription)', or make it internal"
        case .subscriptNotForwarded:
            "public subscript is not forwarded: the handle forwards methods only; make it a method, or make it internal"
        }
    }

    /// A short, stable identifier per case (the associated values are not part of it).
    var identifier: String {
        switch self {
        case .actorType: "actor-type"
        case .unsupportedDeclaration: "unsupported-declaration"
        case .nonFinalClass: "non-final-class"
        case .memberwiseInitializerNeeded: "memberwise-initializer-needed"
        case .inoutParameter: "inout-parameter"
        case .genericMethod: "generic-method"
        case .asyncMethod: "async-method"
        case .reentrantWithoutAsync: "reentrant-without-async"
        case .asyncInitializer: "async-initializer"
        case .collidesWithHandle: "collides-with-handle"
        case .redundantCall: "redundant-call"
        case .redundantCast: "redundant-cast"
        case .castReturnsValue: "cast-returns-value"
        case .callAndCast: "call-and-cast"
        case .markerWithoutEffect: "marker-without-effect"
        case .markerOutsideService: "marker-outside-service"
        case .markerOnNonMethod: "marker-on-non-method"
        case .cannotForward: "cannot-forward"
        case .globalActorMethod: "global-actor-method"
        case .globalActorType: "global-actor-type"
        case .propertyNotForwarded: "property-not-forwarded"
        case .subscriptNotForwarded: "subscript-not-forwarded"
        }
    }

    var diagnosticID: MessageID {
        MessageID(domain: "NanoServices", id: identifier)
    }

    var severity: DiagnosticSeverity {
        switch self {
        case .redundantCall, .redundantCast, .markerWithoutEffect, .markerOutsideService, .reentrantWithoutAsync,
            .propertyNotForwarded, .subscriptNotForwarded:
            .warning
        default:
            .error
        }
    }
}

/// The fix-its offered with ``NanoServiceDiagnostic``.
enum NanoServiceFixIt: FixItMessage, Equatable {
    /// Insert `final` before `class`.
    case addFinal
    /// Replace `open` (which contradicts `final`) with `public final`.
    case replaceOpenWithPublicFinal
    /// Remove an attribute such as `@Call`.
    case removeAttribute(name: String)
    /// Replace a global actor attribute on the type with `nonisolated`.
    case replaceWithNonisolated(name: String)

    var message: String {
        switch self {
        case .addFinal: "add 'final'"
        case .replaceOpenWithPublicFinal: "replace 'open' with 'public final'"
        case .removeAttribute(let name): "remove '@\(name)'"
        case .replaceWithNonisolated(let name): "replace '@\(name)' with 'nonisolated'"
        }
    }

    var fixItID: MessageID {
        switch self {
        case .addFinal: MessageID(domain: "NanoServices", id: "add-final")
        case .replaceOpenWithPublicFinal: MessageID(domain: "NanoServices", id: "replace-open-with-public-final")
        case .removeAttribute: MessageID(domain: "NanoServices", id: "remove-attribute")
        case .replaceWithNonisolated: MessageID(domain: "NanoServices", id: "replace-with-nonisolated")
        }
    }
}
