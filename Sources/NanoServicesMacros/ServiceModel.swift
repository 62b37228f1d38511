import SwiftSyntax

/// What `@NanoService` learned about the type it is attached to: everything the code
/// generator needs, and nothing it has to look up in the syntax tree again.
struct ServiceModel {
    /// The service type's name as written (`Counter`).
    let typeName: String
    /// The access level of the generated enum, handle and their members.
    let accessLevel: AccessLevel
    /// The initializers the handle forwards as spawning initializers, in declaration order.
    let initializers: [ServiceInitializer]
    /// The methods the handle forwards, in declaration order.
    let methods: [ServiceMethod]
    /// Initializers the macro rejected (with a diagnostic): the handle declares each as an
    /// unavailable spawning initializer, so that a use says why instead of suggesting
    /// `init(_$runtime:)`.
    let rejectedInitializers: [RejectedInitializer]

    /// The forwarded methods that messages carry (an `unavailable` method is not one).
    var messageMethods: [ServiceMethod] {
        methods.filter { !$0.availability.isUnavailable }
    }

    /// Whether a forwarded method or initializer takes a `sending` parameter, or a method is
    /// `async` (its instance and arguments go to a task): the generated code then hands values
    /// over with `_$Message._$moved`.
    var movesSentValues: Bool {
        messageMethods.contains { $0.isAsync || $0.parameters.contains(where: \.isSending) }
            || initializers.contains { $0.parameters.contains(where: \.isSending) }
    }
}

/// A parameter of a forwarded method or initializer.
struct ServiceParameter {
    /// The argument label as written (it may be a backticked keyword), `nil` for `_`.
    let label: String?
    /// The argument label to write in a call: without backticks, which a call's argument
    /// labels do not need (except `inout`, `var` and `let`).
    let callLabel: String?
    /// The name the generated code uses for the value: the parameter's own name, or `_$N`
    /// when it is `_` (N is the parameter's position).
    let name: String
    /// The type as written in the handle's signature (`sending [Record]`,
    /// `@escaping @Sendable () -> Void`).
    let signatureType: String
    /// The type of the value alone, as stored in the message enum (`[Record]`,
    /// `@Sendable () -> Void`).
    let valueType: String
    /// The type in a form that can be followed by `.self` (`(@Sendable () -> Void)`).
    let metatypeBase: String
    /// How the value is passed, from the parameter's specifiers.
    let ownership: ParameterOwnership
    /// `true` when the parameter is written `consuming` (or `__owned`), also with `sending`.
    let isWrittenConsuming: Bool
    /// The default value as written, without `=`.
    let defaultValue: String?
    /// A human description for the Sendable check (`parameter 'n'`, `parameter #1`).
    let descriptionForCheck: String

    /// `true` when the parameter is `sending`: moved, so it need not be `Sendable`.
    var isSending: Bool {
        ownership == .sending
    }

    /// The parameter as written in a generated signature: `_ n: Int`, `key: String = ""`.
    ///
    /// With `movesSentValue`, a `sending` parameter becomes `consuming sending`, so that the
    /// handle owns the value and can move it into the message with `consume`.
    func declaration(movesSentValue: Bool) -> String {
        let names: String
        switch label {
        case nil: names = "_ \(name)"
        case let label? where label == name: names = name
        case let label?: names = "\(label) \(name)"
        }
        let consuming = movesSentValue && isSending && !isWrittenConsuming ? "consuming " : ""
        let defaultClause = defaultValue.map { " = \($0)" } ?? ""
        return "\(names): \(consuming)\(signatureType)\(defaultClause)"
    }

    /// The handle's parameter put into the message: moved when the handle owns it (a
    /// `sending` or `consuming` parameter), copied explicitly when it is `borrowing`.
    var messageArgument: String {
        switch ownership {
        case .sending, .consuming: "consume \(name)"
        case .borrowing: "copy \(name)"
        case .plain: name
        }
    }

    /// The argument passed to the service type's method or initializer, with its label.
    /// `value` is the binding that holds it. A `sending` value goes through
    /// `_$Message._$moved` (`mover`), with `consume` when `consumesValue`, so that it arrives
    /// with a reference count of one. Other values are passed as they are: `consume` on a
    /// bitwise-copyable binding (an `Int`) is a compiler warning, and the macro cannot tell.
    func argument(value: String, movedVia mover: String, consumesValue: Bool) -> String {
        let passed = isSending ? "\(mover)(\(consumesValue ? "consume " : "")\(value))" : value
        return callLabel.map { "\($0): \(passed)" } ?? passed
    }
}

/// How a parameter hands its value over.
enum ParameterOwnership {
    /// `sending`: moved across threads, need not be `Sendable`.
    case sending
    /// `consuming` (or `__owned`): the callee owns the value.
    case consuming
    /// `borrowing` (or `__shared`): the callee only borrows it.
    case borrowing
    /// No specifier.
    case plain
}

/// Whether the caller of a forwarded method waits for it.
enum ServiceMethodKind {
    /// Enqueue and return at once; errors go to the service's error handler.
    case cast
    /// Wait for the method's result or error.
    case call
}

/// A public instance method the handle forwards.
struct ServiceMethod {
    /// The method's base name as written (it may be a backticked keyword).
    let name: String
    /// The base name without backticks, for messages and case names.
    let bareName: String
    /// The name of its case in the message enum: the method name, or `name_N` when the name
    /// is overloaded.
    var caseName: String
    /// The full Swift name, `add(_:)`.
    let displayName: String
    let kind: ServiceMethodKind
    /// `true` when the method throws (any kind of `throws`).
    let isThrowing: Bool
    /// `true` when the method is `async`: it runs in a task on the service's executor.
    let isAsync: Bool
    /// `true` for an `async` method marked `@Reentrant`: it does not hold the service while
    /// suspended.
    let isReentrant: Bool
    let parameters: [ServiceParameter]
    /// The result type as written, `nil` for `Void`.
    let resultType: String?
    /// The result type in a form that can be followed by `.self`.
    let resultMetatypeBase: String?
    /// `true` when the result is `sending`.
    let resultIsSending: Bool
    /// The access level of the handle's method.
    let accessLevel: AccessLevel
    /// `true` when the method is marked `@discardableResult`.
    let hasDiscardableResult: Bool
    /// The method's own documentation lines (`///` or `/** */`), without the delimiters.
    let documentation: [String]
    /// The method's `@available` attributes, copied to the handle.
    let availability: Availability
    /// The `#if` conditions the method is declared under, outermost first (empty when none).
    let conditions: [String]
}

/// An initializer of the service type, forwarded as a spawning initializer of the handle.
struct ServiceInitializer {
    /// The full Swift name, `init(start:)`.
    let displayName: String
    let parameters: [ServiceParameter]
    let isThrowing: Bool
    /// `true` for `init?` and `init!`.
    let isFailable: Bool
    /// The access level of the handle's initializer.
    let accessLevel: AccessLevel
    /// The initializer's own documentation lines (`///` or `/** */`), without the delimiters.
    let documentation: [String]
    /// The initializer's `@available` attributes, copied to the spawning initializer.
    let availability: Availability
    /// The `#if` conditions the initializer is declared under, outermost first.
    let conditions: [String]
}

/// An initializer the macro cannot forward (diagnosed at its declaration).
struct RejectedInitializer {
    /// The full Swift name, `init(start:)`.
    let displayName: String
    /// The generic parameter clause as written, or empty.
    let genericParameters: String
    /// The parameters as written (`Self` replaced), one per entry.
    let parameters: [String]
    /// The generic `where` clause as written, or empty.
    let whereClause: String
    /// The access level of the handle's initializer.
    let accessLevel: AccessLevel
    /// The `#if` conditions the initializer is declared under, outermost first.
    let conditions: [String]
}

/// The `@available` attributes of a method or initializer.
struct Availability {
    /// The attributes as written, one per entry, except `noasync` ones (the handle has its
    /// own `async` overloads).
    let attributes: [String]
    /// `true` when an attribute makes the declaration unavailable everywhere
    /// (`@available(*, unavailable)`).
    let isUnavailable: Bool
    /// `true` when an attribute deprecates the declaration: generated code that calls it is
    /// then itself marked deprecated, so that it does not warn.
    let isDeprecated: Bool

    static let none = Availability(attributes: [], isUnavailable: false, isDeprecated: false)
}
