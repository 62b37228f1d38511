import MacroTesting
import NanoServicesMacros
import Testing

/// `@ServiceInterface`: which protocols a service handle can conform to.
@Suite(.macros(["ServiceInterface": ServiceInterfaceMacro.self]))
struct ServiceInterfaceTests {
    @Test func implementableProtocolPassesUnchanged() {
        assertMacro {
            """
            @ServiceInterface
            protocol KeyValueStore: Sendable {
                associatedtype Key
                func get(_ key: String) throws -> String?
                func get(_ key: String) async throws -> String?
                func put(_ key: String, _ value: String)
                func flush() async
                func drain() throws
                func items() throws -> [String: String]
                mutating func reset() throws -> Void
                func join(_ user: String)
                func stop() throws
                var control: ServiceControl { get }
            }
            """
        } expansion: {
            """
            protocol KeyValueStore: Sendable {
                associatedtype Key
                func get(_ key: String) throws -> String?
                func get(_ key: String) async throws -> String?
                func put(_ key: String, _ value: String)
                func flush() async
                func drain() throws
                func items() throws -> [String: String]
                mutating func reset() throws -> Void
                func join(_ user: String)
                func stop() throws
                var control: ServiceControl { get }
            }
            """
        }
    }

    @Test func voidIsRecognisedInEverySpelling() {
        assertMacro {
            """
            @ServiceInterface
            protocol Sink {
                func put(_ value: Int) -> Swift.Void
                func flush() -> ()
                func reset() -> Void
            }
            """
        } expansion: {
            """
            protocol Sink {
                func put(_ value: Int) -> Swift.Void
                func flush() -> ()
                func reset() -> Void
            }
            """
        }
    }

    @Test func requirementsNamedLikeTheHandlesOwnMembersAreRejected() {
        assertMacro {
            """
            @ServiceInterface
            protocol Room {
                func control() throws
                func timingOut(after limit: Duration) throws -> Self
                var control: Int { get }
                var state: Int { get }
            }
            """
        } diagnostics: {
            """
            @ServiceInterface
            protocol Room {
                func control() throws
                     ┬──────
                     ╰─ 🛑 requirement 'control' has the name of the handle's own 'control', which a service method cannot have; rename it
                func timingOut(after limit: Duration) throws -> Self
                     ┬────────
                     ╰─ 🛑 requirement 'timingOut' has the name of the handle's own 'timingOut', which a service method cannot have; rename it
                var control: Int { get }
                    ┬──────
                    ╰─ 🛑 requirement 'control' cannot be implemented by a service handle: the handle's own 'control' is an instance property of type 'ServiceControl'; declare it 'var control: ServiceControl { get }'
                var state: Int { get }
                    ┬────
                    ╰─ 🛑 property requirement 'state' cannot be implemented by a service handle, which forwards methods only; make it a method, 'func state() throws -> ...'
            }
            """
        }
    }

    @Test func valueRequirementWithoutThrowsIsRejectedWithFixIt() {
        assertMacro {
            """
            @ServiceInterface
            protocol KeyValueStore {
                func get(_ key: String) -> String?
                func count() async -> Int
            }
            """
        } diagnostics: {
            """
            @ServiceInterface
            protocol KeyValueStore {
                func get(_ key: String) -> String?
                     ┬──
                     ╰─ 🛑 requirement 'get' returns a value, so a service handle implements it as a call, which can fail with 'ServiceError' (stopped, timeout, deadlock); declare it 'throws'
                        ✏️ add 'throws'
                func count() async -> Int
                     ┬────
                     ╰─ 🛑 requirement 'count' returns a value, so a service handle implements it as a call, which can fail with 'ServiceError' (stopped, timeout, deadlock); declare it 'throws'
                        ✏️ add 'throws'
            }
            """
        } fixes: {
            """
            @ServiceInterface
            protocol KeyValueStore {
                func get(_ key: String) throws -> String?
                func count() async throws -> Int
            }
            """
        } expansion: {
            """
            protocol KeyValueStore {
                func get(_ key: String) throws -> String?
                func count() async throws -> Int
            }
            """
        }
    }

    @Test func typedThrowsIsRejectedWithFixIt() {
        assertMacro {
            """
            @ServiceInterface
            protocol Parser {
                func parse(_ text: String) throws(ParseError) -> Int
            }
            """
        } diagnostics: {
            """
            @ServiceInterface
            protocol Parser {
                func parse(_ text: String) throws(ParseError) -> Int
                                           ┬─────────────────
                                           ╰─ 🛑 requirement 'parse' uses typed throws, but a service call can also fail with 'ServiceError'; declare it plain 'throws'
                                              ✏️ replace with plain 'throws'
            }
            """
        } fixes: {
            """
            @ServiceInterface
            protocol Parser {
                func parse(_ text: String) throws -> Int
            }
            """
        } expansion: {
            """
            protocol Parser {
                func parse(_ text: String) throws -> Int
            }
            """
        }
    }

    @Test func requirementsNoHandleCanImplementAreRejected() {
        assertMacro {
            """
            @ServiceInterface
            protocol Everything {
                var size: Int { get }
                var name: String { get set }
                subscript(index: Int) -> Int { get }
                init(size: Int)
                static func make() throws -> Self
                func map<T>(_ value: T) throws -> T
                func update(_ value: inout Int)
                func log(_ lines: String...)
                func check(_ condition: @autoclosure () -> Bool)
                func show(_ view: some View)
                func body() throws -> some View
                func retry(_ body: () throws -> Void) rethrows
            }
            """
        } diagnostics: {
            """
            @ServiceInterface
            protocol Everything {
                var size: Int { get }
                    ┬───
                    ╰─ 🛑 property requirement 'size' cannot be implemented by a service handle, which forwards methods only; make it a method, 'func size() throws -> ...'
                var name: String { get set }
                    ┬───
                    ╰─ 🛑 property requirement 'name' cannot be implemented by a service handle, which forwards methods only; make it a method, 'func name() throws -> ...'
                subscript(index: Int) -> Int { get }
                ┬────────
                ╰─ 🛑 requirement 'subscript' cannot be implemented by a service handle: subscripts are not forwarded; make it a method
                init(size: Int)
                ┬───
                ╰─ 🛑 requirement 'init' cannot be implemented by a service handle: a handle is created by its spawning initializers, which also take 'options:'; move creation out of the protocol
                static func make() throws -> Self
                ┬─────
                ╰─ 🛑 requirement 'make' cannot be implemented by a service handle: static methods are not forwarded
                func map<T>(_ value: T) throws -> T
                        ┬──
                        ╰─ 🛑 requirement 'map' cannot be implemented by a service handle: generic methods cannot be forwarded; remove its generic parameters
                func update(_ value: inout Int)
                            ┬─────────────────
                            ╰─ 🛑 requirement 'update' cannot be implemented by a service handle: 'inout' parameter 'value' cannot cross to the service's thread; pass the value and return the result
                func log(_ lines: String...)
                                        ┬──
                                        ╰─ 🛑 requirement 'log' cannot be implemented by a service handle: variadic parameter 'lines' cannot be passed on; take an array
                func check(_ condition: @autoclosure () -> Bool)
                                        ┬───────────
                                        ╰─ 🛑 requirement 'check' cannot be implemented by a service handle: '@autoclosure' parameter 'condition' would be evaluated on the service's thread; take a value
                func show(_ view: some View)
                                  ┬────────
                                  ╰─ 🛑 requirement 'show' cannot be implemented by a service handle: opaque parameter 'view' cannot be stored in a message; use a concrete or 'any' type
                func body() throws -> some View
                                      ┬────────
                                      ╰─ 🛑 requirement 'body' cannot be implemented by a service handle: an opaque result type cannot be carried back to the caller; return a concrete or 'any' type
                func retry(_ body: () throws -> Void) rethrows
                                                      ┬───────
                                                      ╰─ 🛑 requirement 'retry' cannot be implemented by a service handle: 'rethrows' depends on a closure argument; use 'throws'
            }
            """
        }
    }

    @Test func onlyProtocolsAreAccepted() {
        assertMacro {
            """
            @ServiceInterface
            final class Store {}
            """
        } diagnostics: {
            """
            @ServiceInterface
            ┬────────────────
            ╰─ 🛑 '@ServiceInterface' can only be applied to a protocol, not to a class
            final class Store {}
            """
        }
    }
}

/// `@NanoService(P.self, ...)`: the handle conforms to the protocols.
@Suite(.macros(nanoServiceMacros))
struct ProtocolConformanceTests {
    @Test func handleConformsToTheNamedProtocols() {
        assertMacro {
            """
            @NanoService(KeyValueStore.self, Storage.Monitored.self)
            final class Store {
                public func put(_ key: String, _ value: String) {}
            }
            """
        } expansion: {
            """
            final class Store {
                public func put(_ key: String, _ value: String) {}

                /// The messages of `Store.Service`: one case per forwarded method, carrying its
                /// arguments (and, for a call, the reply slot). Generated by `@NanoService` for the runtime.
                nonisolated enum _$Message: NanoServices._ServiceMessage {
                    typealias Instance = Store

                    case put(String, String)
                    case _$timerTick(NanoServices._ServiceTimerTick<_$Message>)

                    /// Runs the method the message stands for. Service thread.
                    consuming func _handle(_ instance: inout Store, _ context: NanoServices._HandlerContext) {
                        switch consume self {
                        case .put(let key, let value):
                            instance.put(key, value)
                        case ._$timerTick(let tick):
                            tick._run(&instance, context)
                        }
                    }

                    /// Fails the waiting caller: the message will never be handled. Returns `false` for a cast
                    /// (the runtime counts it as dropped), `true` for a call or a timer tick (counted as skipped).
                    consuming func _reject(_ error: NanoServices.ServiceError) -> Swift.Bool {
                        switch consume self {
                        case ._$timerTick(let tick):
                            tick._discard()
                            return true
                        default:
                            return false
                        }
                    }

                    /// The method's Swift name, for logs and introspection.
                    var _methodName: Swift.StaticString {
                        switch self {
                        case .put:
                            "put(_:_:)"
                        case ._$timerTick:
                            "timer tick"
                        }
                    }
                }

                /// A thread-safe handle to a `Store` service, which runs on its own thread.
                ///
                /// Copy it and share it freely: every copy reaches the same instance, which handles one message
                /// at a time. Casts return at once; calls wait for the result (the synchronous overload blocks
                /// the thread, the `async` one suspends). Releasing the last copy stops the service gracefully;
                /// `control` stops and inspects it, `timingOut(after:)` limits how long a call site waits.
                nonisolated struct Service: NanoServices.ServiceHandle, KeyValueStore, Storage.Monitored {
                    typealias _Message = _$Message

                    /// The runtime object behind the handle. Implementation detail of `@NanoService`.
                    let _$runtime: NanoServices._ServiceRuntime<_$Message>

                    /// Wraps a running service's runtime. Implementation detail of `@NanoService`.
                    init(_$runtime: NanoServices._ServiceRuntime<_$Message>) {
                        self._$runtime = _$runtime
                    }

                    /// Starts a new `Store` service: creates its thread and runs `init()` there.
                    ///
                    /// - Parameter options: The service's name, mailbox and threading options.
                    /// - Throws: `ServiceError` when the service's thread cannot be started.
                    init(options: NanoServices.ServiceOptions = .init()) throws {
                        self._$runtime = try NanoServices._ServiceRuntime(typeName: "Store", options: options, initializerThrows: false) {
                            Store()
                        }
                    }

                    /// Cast: enqueues `put(_:_:)` for the service's thread and returns at once.
                    func put(_ key: String, _ value: String) {
                        _$runtime._cast(.put(key, value))
                    }

                    /// Compile-time check: values that cross to the service's thread without `sending` are `Sendable`.
                    private static func _$requireSendable() {
                        NanoServices._requireSendableOrSending(String.self, "put(_:_:) parameter 'key'")
                        NanoServices._requireSendableOrSending(String.self, "put(_:_:) parameter 'value'")
                    }
                }
            }

            extension Store: nonisolated NanoServices.NanoService {}
            """
        }
    }

    @Test func argumentsMustBeProtocolMetatypes() {
        assertMacro {
            """
            @NanoService(KeyValueStore, "Store")
            final class Store {
                public func put(_ key: String, _ value: String) {}
            }
            """
        } diagnostics: {
            """
            @NanoService(KeyValueStore, "Store")
                                        ┬──────
                         │              ╰─ 🛑 '@NanoService' arguments name the protocols its handle conforms to, written 'P.self'; '"Store"' is not
                         ┬─────────────
                         ╰─ 🛑 '@NanoService' arguments name the protocols its handle conforms to, written 'P.self'; 'KeyValueStore' is not
            final class Store {
                public func put(_ key: String, _ value: String) {}
            }
            """
        }
    }
}
