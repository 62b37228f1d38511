import SwiftSyntax

/// The one source of truth for what a generated handle looks like from outside, shared by
/// `@NanoService` (which writes handles) and `@ServiceInterface` (which checks protocols that
/// handles must implement):
///
/// * the handle's own members, which no forwarded method may reuse;
/// * which of them a protocol may require;
/// * how a method is forwarded (cast or call), and so which requirement it can meet.
///
/// `HandleMembersTests` reads the `ServiceHandle` protocol and its extensions in the library's
/// source and fails if they declare a member this list does not know.
enum HandleMembers {
    /// `handle.control`: lifecycle and introspection (`ServiceControl`).
    static let control = "control"
    /// `handle.timingOut(after:)`: a handle whose calls have a time limit.
    static let timingOut = "timingOut"

    /// Base names of the members every handle has besides its forwarded methods (from
    /// `ServiceHandle` and its extensions; `_$`-prefixed implementation details aside). A
    /// public method with one of these names is rejected by `@NanoService`, and a protocol
    /// requirement with one (other than ``requirableProperties``) by `@ServiceInterface`.
    static let reservedNames: Set<String> = [control, timingOut]

    /// Get-only instance properties every handle has, which a protocol may require, with the
    /// type a requirement must declare.
    static let requirableProperties: [String: String] = [control: "ServiceControl"]

    /// How a forwarded method reaches the service:
    ///
    /// * a call (the caller waits for the result or error): it returns a value, throws, is
    ///   `async` (its caller expects to wait for it, as with an actor) or is marked `@Call`;
    /// * a cast (enqueue and return): otherwise, or when marked `@Cast` (a `Void` method that
    ///   throws or is `async`: fire-and-forget).
    ///
    /// A call's handle methods `throw` (a call can fail with `ServiceError`), so only a
    /// `throws` requirement can be met by one; a cast meets a requirement that returns nothing.
    static func kind(returnsValue: Bool, isThrowing: Bool, isAsync: Bool, markedCall: Bool, markedCast: Bool) -> ServiceMethodKind {
        if markedCast && !returnsValue { return .cast }
        return returnsValue || isThrowing || isAsync || markedCall ? .call : .cast
    }

    /// Whether a method or requirement returns nothing: no result, `Void`, `Swift.Void` or `()`.
    static func returnsNothing(_ returnClause: ReturnClauseSyntax?) -> Bool {
        guard let returnClause else { return true }
        return WrittenType(returnClause.type, typeName: "Self").isVoid
    }
}
