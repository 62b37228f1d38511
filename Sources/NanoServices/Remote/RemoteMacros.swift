/// Lets a `@NanoService` type be served to, and called from, other processes.
///
/// ```swift
/// @NanoService @RemoteService
/// final class Counter {
///     private var total = 0
///     public func add(_ n: Int) { total += n }       // remote cast: queued, in order
///     public func current() -> Int { total }          // remote call
///     @LocalOnly public func onChange(_ f: @escaping @Sendable (Int) -> Void) { }  // local handle only
/// }
/// ```
///
/// Adds `Counter.Remote`, a handle with the same method names as `Counter.Service` whose calls
/// and casts go to a `RemoteHost` (package `NanoServicesRemote`), the method table the host
/// dispatches with, and the ``RemoteService`` conformance. Every forwarded method crosses,
/// except those marked ``LocalOnly()``: its parameters and result must be `Codable` (the
/// compiler reports one that is not at a check naming the method) and cannot be closures (the
/// macro reports those, with a fix-it that marks the method `@LocalOnly`).
///
/// Each remote method carries a hash of its declaration: a host built from a different
/// declaration rejects the request instead of decoding it wrongly.
@attached(member, names: named(Remote), named(_remoteMethods), named(_$requireCodable))
@attached(extension, conformances: RemoteService)
public macro RemoteService() = #externalMacro(module: "NanoServicesMacros", type: "RemoteServiceMacro")

/// Keeps a method of a ``RemoteService()`` type out of its remote handle: it stays callable on
/// the local handle only. Use it for methods that take closures or other values that cannot
/// cross a process. Generates nothing.
@attached(peer)
public macro LocalOnly() = #externalMacro(module: "NanoServicesMacros", type: "LocalOnlyMacro")
