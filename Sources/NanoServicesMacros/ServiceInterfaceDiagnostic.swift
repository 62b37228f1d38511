import SwiftDiagnostics

/// Every diagnostic about protocol-typed handles: `@ServiceInterface` on a protocol, and the
/// protocol arguments of `@NanoService(P.self)`.
///
/// Kept apart from ``NanoServiceDiagnostic`` (same domain, distinct stable IDs) so that the two
/// features evolve independently.
enum ServiceInterfaceDiagnostic: DiagnosticMessage, Equatable {
    /// `@ServiceInterface` on something that is not a protocol.
    case notAProtocol(kind: String)
    /// A requirement that returns a value without `throws`.
    case requirementMustThrow(requirement: String)
    /// A requirement with typed throws, which a handle's plain `throws` cannot satisfy.
    case typedThrows(requirement: String)
    /// A requirement no handle method can satisfy, with the reason.
    case cannotImplement(requirement: String, reason: String)
    /// A method requirement named like one of the handle's own members.
    case collidesWithHandle(requirement: String)
    /// A property requirement (other than the handle's own `control`).
    case propertyRequirement(name: String)
    /// An argument of `@NanoService` that is not `P.self`.
    case interfaceArgument(written: String)

    var message: String {
        switch self {
        case .notAProtocol(let kind):
            "'@ServiceInterface' can only be applied to a protocol, not to \(kind)"
        case .requirementMustThrow(let requirement):
            "requirement '\(requirement)' returns a value, so a service handle implements it as a call, which can fail with 'ServiceError' (stopped, timeout, deadlock); declare it 'throws'"
        case .typedThrows(let requirement):
            "requirement '\(requirement)' uses typed throws, but a service call can also fail with 'ServiceError'; declare it plain 'throws'"
        case .cannotImplement(let requirement, let reason):
            "requirement '\(requirement)' cannot be implemented by a service handle: \(reason)"
        case .collidesWithHandle(let requirement):
            "requirement '\(requirement)' has the name of the handle's own '\(requirement)', which a service method cannot have; rename it"
        case .propertyRequirement(let name):
            "property requirement '\(name)' cannot be implemented by a service handle, which forwards methods only; make it a method, 'func \(name)() throws -> ...'"
        case .interfaceArgument(let written):
            "'@NanoService' arguments name the protocols its handle conforms to, written 'P.self'; '\(written)' is not"
        }
    }

    /// A short, stable identifier per case (the associated values are not part of it).
    var identifier: String {
        switch self {
        case .notAProtocol: "interface-not-a-protocol"
        case .requirementMustThrow: "interface-requirement-must-throw"
        case .typedThrows: "interface-typed-throws"
        case .cannotImplement: "interface-cannot-implement"
        case .collidesWithHandle: "interface-collides-with-handle"
        case .propertyRequirement: "interface-property-requirement"
        case .interfaceArgument: "interface-argument"
        }
    }

    var diagnosticID: MessageID {
        MessageID(domain: "NanoServices", id: identifier)
    }

    var severity: DiagnosticSeverity { .error }
}

/// The fix-its offered with ``ServiceInterfaceDiagnostic``.
enum ServiceInterfaceFixIt: FixItMessage, Equatable {
    /// Insert `throws` (after `async`, if any).
    case addThrows
    /// Replace `throws(E)` with `throws`.
    case usePlainThrows

    var message: String {
        switch self {
        case .addThrows: "add 'throws'"
        case .usePlainThrows: "replace with plain 'throws'"
        }
    }

    var fixItID: MessageID {
        switch self {
        case .addThrows: MessageID(domain: "NanoServices", id: "add-throws")
        case .usePlainThrows: MessageID(domain: "NanoServices", id: "use-plain-throws")
        }
    }
}
