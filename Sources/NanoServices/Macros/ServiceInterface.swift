/// Checks that a protocol can be implemented by a service handle, so that
/// `@NanoService(KeyValueStore.self)` makes the handle conform to it:
///
/// ```swift
/// @ServiceInterface
/// protocol KeyValueStore: Sendable {
///     func get(_ key: String) throws -> String?     // a call: `throws`, it can fail with ServiceError
///     func put(_ key: String, _ value: String)      // a cast
/// }
///
/// @NanoService(KeyValueStore.self)
/// final class Store {
///     private var values: [String: String] = [:]
///     public func get(_ key: String) -> String? { values[key] }
///     public func put(_ key: String, _ value: String) { values[key] = value }
/// }
///
/// let store: any KeyValueStore = try Store.Service()
/// ```
///
/// A handle implements each requirement with one of its forwarded methods: a cast (no result,
/// does not throw) or a call (`throws`, because it can fail with ``ServiceError``: the service
/// stopped, a timeout, a deadlock). The macro generates nothing; it reports, at the requirement,
/// what no handle can implement:
///
/// - a requirement that returns a value without `throws` (fix-it: add `throws`);
/// - typed throws, `throws(E)` (fix-it: plain `throws`), and `rethrows`;
/// - generic requirements, and `inout`, variadic, `@autoclosure`, `isolated` or opaque (`some`)
///   parameters, or an opaque result;
/// - methods named `control` or `timingOut`, the handle's own members, which no service method
///   can have;
/// - properties (a handle forwards methods; the handle's own get-only
///   `var control: ServiceControl { get }` is allowed, for code that stops or inspects the
///   service through the protocol), subscripts, initializers and static requirements.
///
/// A `Void` requirement that does not throw is met by a cast; if the service method is
/// `async` or marked ``Call()``, it is a call, the handle's method throws and the compiler
/// reports that it does not conform (mark an `async` one ``Cast()`` to make it a cast).
/// Declare the protocol `Sendable` to share a protocol-typed value across threads (handles are
/// `Sendable`).
@attached(peer)
public macro ServiceInterface() = #externalMacro(module: "NanoServicesMacros", type: "ServiceInterfaceMacro")
