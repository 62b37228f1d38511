/// Turns a final class (or a struct) into a *nano service*: every instance lives on its own
/// dedicated thread, and the type's public methods become the messages of a thread-safe
/// handle, ``NanoService/Service``.
///
/// ```swift
/// import NanoServices
///
/// @NanoService
/// final class Counter {
///     private var total: Int
///     init(start: Int) { total = start }
///
///     public func add(_ n: Int) { total += n }            // cast: returns at once
///     public func current() -> Int { total }               // call: the caller waits
///     public func checkedReset() throws -> Int { ... }     // call: the error reaches the caller
///     @Call public func flush() { ... }                    // call, although it returns nothing
///     @Cast public func log(_ line: String) throws { ... } // cast: the error goes to the error handler
///     public func ingest(_ batch: sending [Record]) { }    // moved, not copied
///     func helper() { }                                    // not public: not part of the interface
/// }
///
/// let counter = try Counter.Service(start: 5)   // the instance is created on a new thread
/// counter.add(3)                                // enqueued; returns at once
/// let a = try counter.current()                 // from synchronous code: blocks this thread
/// let b = try await counter.current()           // from async code: suspends, blocks no thread
/// try await counter.control.stop()              // graceful: handles what is queued, ends the thread
/// ```
///
/// ## What is generated
///
/// Inside the type, two members:
///
/// - `Service`, a `Sendable` struct conforming to ``ServiceHandle``. It has one *spawning
///   initializer* per initializer of the type (or one for the implicit `init()`), with the same
///   parameters plus `options: ServiceOptions = .init()`. It starts the service's thread and
///   runs the type's initializer there, so the instance never leaves that thread. It throws
///   ``ServiceError`` when the thread cannot start, and also the initializer's own error when
///   the initializer throws (a failable initializer's `nil` becomes
///   ``ServiceError/Code/initializerFailed``). Private initializers are not forwarded.
/// - `_$Message`, an enum with one case per forwarded method carrying its arguments.
///   It is an implementation detail the runtime uses.
///
/// And an extension that adds the ``NanoService`` conformance.
///
/// The handle has one method per forwarded method, with the same name, argument labels,
/// parameter names, default values and `sending` markers. Which methods are forwarded:
/// `public`, `package` and `open` instance methods. Not forwarded: non-public methods,
/// `static` and `class` methods, properties, subscripts. Generated code has the type's access
/// level (a `public` type gets a `public` handle, an `internal` type an `internal` one).
///
/// ## Casts and calls
///
/// | method | kind | handle method | the caller |
/// |---|---|---|---|
/// | returns nothing, does not throw, not `async` | cast | `func add(_ n: Int)` | enqueues and returns at once |
/// | returns a value | call | `func current() throws -> Int` and `func current() async throws -> Int` | waits for the value |
/// | throws | call | `throws`, sync and `async` | waits; the method's error is rethrown unchanged |
/// | `async` | call | `throws`, sync and `async` | waits until the method has returned, as on an actor |
/// | marked ``Call()`` | call | `throws`, sync and `async` | waits until the method has run |
/// | throws or `async`, returns nothing, and marked ``Cast()`` | cast | `func log(_ line: String)` | enqueues and returns; the error goes to ``ServiceOptions/onCastError`` (logged by default) |
///
/// Every call can also throw ``ServiceError``: the service stopped, the call timed out, or
/// waiting would deadlock (a service calling itself, or a cycle of services calling each
/// other). A method declared with typed throws is forwarded as plain `throws` for that reason.
///
/// ## Threading
///
/// Messages are handled one at a time on the service's thread, in the order each sender sent
/// them, and never interleaved: a method runs to completion before the next message starts.
/// The instance's state needs no locks. Handle methods may be used from any thread or task.
/// The synchronous overload of a call blocks the calling thread and is
/// `@available(*, noasync)`: from async code the compiler rejects it and points to
/// `try await`. The `async` overload suspends the calling task and blocks no thread.
///
/// ## Moving values
///
/// Arguments and results cross threads. A type that is `Sendable` crosses as is. A
/// non-`Sendable` argument or result must be marked `sending`: it is moved to the service,
/// and the compiler rejects any use of it after the call. A `Sendable` argument is not
/// consumed: the caller may still use it (a copy-on-write buffer is then copied on the next
/// mutation), so not touching it again is a convention, not a compile-time rule. A non-`Sendable` argument without
/// `sending` is a compile-time error that names the parameter (the generated handle checks
/// `_requireSendableOrSending`). The handle takes a `sending` argument as `consuming sending`
/// and moves it into the message, so a copy-on-write buffer arrives with a single reference:
/// moving a 100 MiB buffer costs what moving an `Int` costs. Declare the parameter
/// `consuming sending` to mutate the very buffer the caller sent:
///
/// ```swift
/// public func stamp(_ buffer: consuming sending [UInt8]) -> sending [UInt8] {
///     buffer[0] = 0xAB   // in place: no copy
///     return buffer
/// }
/// ```
///
/// ## Cost
///
/// A cast is one enqueue into the service's mailbox. A call is an enqueue plus a one-shot
/// reply slot, and the caller's wait for the answer. Each service owns one thread for its
/// whole life; when the last copy of its handle is released, the service stops gracefully
/// and its thread ends.
///
/// ## What the macro rejects
///
/// With an error at the offending syntax, and a fix-it where one is obvious:
/// actors (an actor already isolates its state), enums, protocols and extensions; classes that
/// are not `final` (fix-it: add `final`); `inout`, `isolated`, variadic, `@autoclosure` and
/// opaque (`some`) parameters; `rethrows` and generic public methods, `async` methods of a
/// struct service; opaque results;
/// public methods named like the handle's two own members, `control` (lifecycle and
/// introspection, ``ServiceControl``) and `timingOut(after:)`; and misplaced ``Call()`` or
/// ``Cast()`` markers. Every other name (`stop`, `join`, `state`, ...) is forwarded.
///
/// ## Programming against a protocol
///
/// Name protocols as arguments, `@NanoService(KeyValueStore.self)`, and the handle conforms to
/// them (`struct Service: ServiceHandle, KeyValueStore`): the rest of the program depends on
/// the protocol, and tests pass an in-memory fake. The handle's forwarded methods are the
/// witnesses, so a requirement that returns a value must be `throws` (a call can fail with
/// ``ServiceError``). Mark the protocol ``ServiceInterface()`` to have such mismatches reported
/// at the requirement, with a fix-it; otherwise the compiler reports that the handle does not
/// conform.
@attached(member, names: named(Service), named(_$Message))
@attached(extension, conformances: NanoService)
public macro NanoService(_ interfaces: Any.Type...) = #externalMacro(module: "NanoServicesMacros", type: "NanoServiceMacro")

/// Makes a public method that returns nothing and does not throw a *call*: the caller waits
/// until the method has run on the service's thread, instead of returning at once.
///
/// Use it when the caller needs to know the work is done, for example to flush a buffer
/// before reading a file the service writes:
///
/// ```swift
/// @NanoService
/// final class Journal {
///     @Call public func flush() { file.synchronize() }
/// }
///
/// try journal.flush()        // blocks this thread until flush() has returned
/// try await journal.flush()  // suspends this task until flush() has returned
/// ```
///
/// The handle's method `throws` (sync and `async` overloads), because the call can fail with
/// ``ServiceError`` (for example when the service has stopped).
///
/// `@Call` generates nothing itself; ``NanoService()`` reads it. A method that returns a value
/// throws or is `async` is a call already: there `@Call` is redundant, and the macro warns and offers to
/// remove it. On a method that is not forwarded (not public, or `static`), or outside the
/// body of a `@NanoService` type, it has no effect and the macro warns.
@attached(peer)
public macro Call() = #externalMacro(module: "NanoServicesMacros", type: "CallMacro")

/// Makes a public method that returns nothing but throws or is `async` a *cast*: the caller
/// enqueues the message and returns at once, without waiting for the method to run.
///
/// The method's error cannot reach the caller, who is gone; it goes to the service's
/// ``ServiceOptions/onCastError`` handler, which logs it by default.
///
/// ```swift
/// @NanoService
/// final class AuditLog {
///     @Cast public func append(_ line: String) throws { try file.write(line) }
/// }
///
/// audit.append("user signed in")   // returns at once; a write error is logged on the service's thread
/// ```
///
/// `@Cast` generates nothing itself; ``NanoService()`` reads it. It cannot be applied to a
/// method that returns a value (an error), nor together with ``Call()`` (an error); on a method
/// that neither returns a value, throws nor is `async` it is redundant (a warning with a fix-it).
@attached(peer)
public macro Cast() = #externalMacro(module: "NanoServicesMacros", type: "CastMacro")

/// Lets an `async` service method interleave with other messages while it is suspended.
///
/// By default an `async` method *holds* its service: from its start to its return, including
/// while it is suspended at an `await`, the service handles no other message (they wait in
/// the mailbox, in order). That is what keeps the method's invariants true across `await`s —
/// unlike an `actor`, whose methods interleave at every suspension.
///
/// A `@Reentrant` method does not hold the service: while it is suspended, the service keeps
/// handling messages, including other `@Reentrant` calls. Its code still runs only on the
/// service's thread, one piece at a time. Use it for read-only or idempotent methods that
/// should not wait behind a slow one:
///
/// ```swift
/// @NanoService
/// final class Catalog {
///     @Reentrant public func price(of id: Int) async throws -> Decimal {
///         try await pricing.lookup(id)   // other messages may run meanwhile
///     }
/// }
/// ```
///
/// On a method that is not `async` it has no effect, and the macro warns.
@attached(peer)
public macro Reentrant() = #externalMacro(module: "NanoServicesMacros", type: "ReentrantMacro")
