import MacroTesting
import SwiftSyntax
import SwiftSyntaxMacroExpansion
import NanoServicesMacros
import Testing

/// `@RemoteService` alone (the `@NanoService` attribute stays unexpanded, so the snapshots
/// show only what the remote macro adds).
let remoteServiceMacros: [String: MacroSpec] = [
    "RemoteService": MacroSpec(
        type: RemoteServiceMacro.self,
        conformances: [TypeSyntax(IdentifierTypeSyntax(name: .identifier("RemoteService")))]
    ),
    "LocalOnly": MacroSpec(type: LocalOnlyMacro.self),
]

/// What `@RemoteService` generates: the remote handle `Remote`, the host's method table and
/// the `Codable` checks; and what it rejects.
@Suite(.macros(remoteServiceMacros))
struct RemoteServiceExpansionTests {
    @Test func castsCallsAndLocalOnlyMethods() {
        assertMacro {
            """
            @NanoService @RemoteService
            public final class Ledger {
                public init() {}
                public func record(_ amount: Int) {}
                public func withdraw(_ amount: Int, note: String = "") throws -> Int { amount }
                @Call public func reset() {}
                @LocalOnly public func inspect(_ body: @escaping @Sendable ([Int]) -> Void) {}
            }
            """
        } expansion: {
            """
            @NanoService
            public final class Ledger {
                public init() {}
                public func record(_ amount: Int) {}
                public func withdraw(_ amount: Int, note: String = "") throws -> Int { amount }
                @Call public func reset() {}
                public func inspect(_ body: @escaping @Sendable ([Int]) -> Void) {}

                /// A handle to a `Ledger` served by another process (`RemoteHost` in `NanoServicesRemote`):
                /// the same method names as `Service`; calls travel as gRPC calls, casts in order on one stream.
                /// Thread-safe; a cheap value. Make one with `RemoteClient.handle(to:named:)`.
                public nonisolated struct Remote: NanoServices.RemoteServiceHandle {
                    public let _$endpoint: NanoServices._RemoteEndpoint

                    public init(_$endpoint: NanoServices._RemoteEndpoint) {
                        self._$endpoint = _$endpoint
                    }

                    /// Remote cast: queues `record(_:)` for the host and returns at once.
                    public func record(_ amount: Int) {
                        _$endpoint._cast("record(_:)", signature: 0x2fa58cc30c2c204c, [amount])
                    }

                    /// Remote call: runs `withdraw(_:note:)` on the host; blocks the calling thread until it answers.
                    ///
                    /// - Throws: `ServiceError` (the host's code, or `.network`), or `RemoteError` for an error the method threw on the host.
                    @available(*, noasync, message: "blocks the calling thread: use 'try await' in async code (at the top level of main.swift, where Swift picks this overload even after 'await', make the call from an 'async' function)")
                    public func withdraw(_ amount: Int, note: String = "") throws -> Int {
                        try _$endpoint._callBlocking("withdraw(_:note:)", signature: 0xa6823855113db1dd, [amount, note], returning: Int.self)
                    }

                    /// Remote call: runs `withdraw(_:note:)` on the host; suspends until it answers, blocking no thread.
                    ///
                    /// - Throws: `ServiceError` (the host's code, or `.network`), or `RemoteError` for an error the method threw on the host.
                    public func withdraw(_ amount: Int, note: String = "") async throws -> Int {
                        try await _$endpoint._call("withdraw(_:note:)", signature: 0xa6823855113db1dd, [amount, note], returning: Int.self)
                    }

                    /// Remote call: runs `reset()` on the host; blocks the calling thread until it answers.
                    ///
                    /// - Throws: `ServiceError` (the host's code, or `.network`), or `RemoteError` for an error the method threw on the host.
                    @available(*, noasync, message: "blocks the calling thread: use 'try await' in async code (at the top level of main.swift, where Swift picks this overload even after 'await', make the call from an 'async' function)")
                    public func reset() throws {
                        _ = try _$endpoint._callBlocking("reset()", signature: 0x5276590313496423, [], returning: NanoServices._RemoteVoid.self)
                    }

                    /// Remote call: runs `reset()` on the host; suspends until it answers, blocking no thread.
                    ///
                    /// - Throws: `ServiceError` (the host's code, or `.network`), or `RemoteError` for an error the method threw on the host.
                    public func reset() async throws {
                        _ = try await _$endpoint._call("reset()", signature: 0x5276590313496423, [], returning: NanoServices._RemoteVoid.self)
                    }
                }

                /// The methods a host may run for remote callers. Generated by `@RemoteService`.
                public nonisolated static var _remoteMethods: [NanoServices._RemoteMethod<Service>] {
                    var methods: [NanoServices._RemoteMethod<Service>] = []
                    methods.append(
                        NanoServices._RemoteMethod(name: "record(_:)", signature: 0x2fa58cc30c2c204c, isCast: true) { _$handle, _$arguments in
                            let amount = try _$arguments.read(Int.self)
                            try _$arguments.finish()
                            _$handle.record(amount)
                            return NanoServices._RemoteVoid()
                        }
                    )
                    methods.append(
                        NanoServices._RemoteMethod(name: "withdraw(_:note:)", signature: 0xa6823855113db1dd, isCast: false) { _$handle, _$arguments in
                            let amount = try _$arguments.read(Int.self)
                            let note = try _$arguments.read(String.self)
                            try _$arguments.finish()
                            return try await _$handle.withdraw(amount, note: note)
                        }
                    )
                    methods.append(
                        NanoServices._RemoteMethod(name: "reset()", signature: 0x5276590313496423, isCast: false) { _$handle, _$arguments in
                            try _$arguments.finish()
                            try await _$handle.reset()
                            return NanoServices._RemoteVoid()
                        }
                    )
                    return methods
                }

                private static func _$requireCodable() {
                    NanoServices._requireCodable(Int.self, "record(_:) parameter 'amount' crosses processes: make it Codable, or mark the method @LocalOnly")
                    NanoServices._requireCodable(Int.self, "withdraw(_:note:) parameter 'amount' crosses processes: make it Codable, or mark the method @LocalOnly")
                    NanoServices._requireCodable(String.self, "withdraw(_:note:) parameter 'note' crosses processes: make it Codable, or mark the method @LocalOnly")
                    NanoServices._requireCodable(Int.self, "withdraw(_:note:) result crosses processes: make it Codable, or mark the method @LocalOnly")
                }
            }

            extension Ledger: NanoServices.RemoteService {}
            """
        }
    }

    @Test func aClosureParameterIsAnErrorWithAFixIt() {
        assertMacro {
            """
            @NanoService @RemoteService
            final class Ledger {
                public func inspect(_ body: @escaping @Sendable ([Int]) -> Void) {}
                public func count() -> Int { 0 }
            }
            """
        } diagnostics: {
            """
            @NanoService @RemoteService
            final class Ledger {
                public func inspect(_ body: @escaping @Sendable ([Int]) -> Void) {}
                                    ┬──────────────────────────────────────────
                                    ╰─ 🛑 method 'inspect(_:)' cannot cross processes: parameter 'body' is a closure; mark the method '@LocalOnly' to keep it out of the remote handle
                                       ✏️ mark it '@LocalOnly'
                public func count() -> Int { 0 }
            }
            """
        } fixes: {
            """
            @NanoService @RemoteService
            final class Ledger {
                @LocalOnly public func inspect(_ body: @escaping @Sendable ([Int]) -> Void) {}
                public func count() -> Int { 0 }
            }
            """
        } expansion: {
            """
            @NanoService
            final class Ledger {
                public func inspect(_ body: @escaping @Sendable ([Int]) -> Void) {}
                public func count() -> Int { 0 }

                /// A handle to a `Ledger` served by another process (`RemoteHost` in `NanoServicesRemote`):
                /// the same method names as `Service`; calls travel as gRPC calls, casts in order on one stream.
                /// Thread-safe; a cheap value. Make one with `RemoteClient.handle(to:named:)`.
                nonisolated struct Remote: NanoServices.RemoteServiceHandle {
                    let _$endpoint: NanoServices._RemoteEndpoint

                    init(_$endpoint: NanoServices._RemoteEndpoint) {
                        self._$endpoint = _$endpoint
                    }

                    /// Remote call: runs `count()` on the host; blocks the calling thread until it answers.
                    ///
                    /// - Throws: `ServiceError` (the host's code, or `.network`), or `RemoteError` for an error the method threw on the host.
                    @available(*, noasync, message: "blocks the calling thread: use 'try await' in async code (at the top level of main.swift, where Swift picks this overload even after 'await', make the call from an 'async' function)")
                    func count() throws -> Int {
                        try _$endpoint._callBlocking("count()", signature: 0x57edebfeaf5b25fc, [], returning: Int.self)
                    }

                    /// Remote call: runs `count()` on the host; suspends until it answers, blocking no thread.
                    ///
                    /// - Throws: `ServiceError` (the host's code, or `.network`), or `RemoteError` for an error the method threw on the host.
                    func count() async throws -> Int {
                        try await _$endpoint._call("count()", signature: 0x57edebfeaf5b25fc, [], returning: Int.self)
                    }
                }

                /// The methods a host may run for remote callers. Generated by `@RemoteService`.
                nonisolated static var _remoteMethods: [NanoServices._RemoteMethod<Service>] {
                    var methods: [NanoServices._RemoteMethod<Service>] = []
                    methods.append(
                        NanoServices._RemoteMethod(name: "count()", signature: 0x57edebfeaf5b25fc, isCast: false) { _$handle, _$arguments in
                            try _$arguments.finish()
                            return try await _$handle.count()
                        }
                    )
                    return methods
                }

                private static func _$requireCodable() {
                    NanoServices._requireCodable(Int.self, "count() result crosses processes: make it Codable, or mark the method @LocalOnly")
                }
            }

            extension Ledger: NanoServices.RemoteService {}
            """
        }
    }

    @Test func aClosureResultIsAnError() {
        assertMacro {
            """
            @NanoService @RemoteService
            final class Ledger {
                public func makeFilter() -> @Sendable (Int) -> Bool { { _ in true } }
            }
            """
        } diagnostics: {
            """
            @NanoService @RemoteService
            final class Ledger {
                public func makeFilter() -> @Sendable (Int) -> Bool { { _ in true } }
                                            ┬──────────────────────
                                            ╰─ 🛑 method 'makeFilter()' cannot cross processes: its result contains a closure; mark the method '@LocalOnly' to keep it out of the remote handle
                                               ✏️ mark it '@LocalOnly'
            }
            """
        } fixes: {
            """
            @NanoService @RemoteService
            final class Ledger {
                @LocalOnly public func makeFilter() -> @Sendable (Int) -> Bool { { _ in true } }
            }
            """
        } expansion: {
            """
            @NanoService
            final class Ledger {
                public func makeFilter() -> @Sendable (Int) -> Bool { { _ in true } }

                /// A handle to a `Ledger` served by another process (`RemoteHost` in `NanoServicesRemote`):
                /// the same method names as `Service`; calls travel as gRPC calls, casts in order on one stream.
                /// Thread-safe; a cheap value. Make one with `RemoteClient.handle(to:named:)`.
                nonisolated struct Remote: NanoServices.RemoteServiceHandle {
                    let _$endpoint: NanoServices._RemoteEndpoint

                    init(_$endpoint: NanoServices._RemoteEndpoint) {
                        self._$endpoint = _$endpoint
                    }
                }

                /// The methods a host may run for remote callers. Generated by `@RemoteService`.
                nonisolated static var _remoteMethods: [NanoServices._RemoteMethod<Service>] {
                    []
                }

                private static func _$requireCodable() {
                }
            }

            extension Ledger: NanoServices.RemoteService {}
            """
        }
    }

    @Test func aServiceWhoseMethodsAreAllLocalOnlyHasAnEmptyTable() {
        assertMacro {
            """
            @NanoService(Counting.self) @RemoteService
            final class Ledger {
                @LocalOnly public func inspect(_ body: @escaping @Sendable ([Int]) -> Void) {}
            }
            """
        } expansion: {
            """
            @NanoService(Counting.self)
            final class Ledger {
                public func inspect(_ body: @escaping @Sendable ([Int]) -> Void) {}

                /// A handle to a `Ledger` served by another process (`RemoteHost` in `NanoServicesRemote`):
                /// the same method names as `Service`; calls travel as gRPC calls, casts in order on one stream.
                /// Thread-safe; a cheap value. Make one with `RemoteClient.handle(to:named:)`.
                nonisolated struct Remote: NanoServices.RemoteServiceHandle, Counting {
                    let _$endpoint: NanoServices._RemoteEndpoint

                    init(_$endpoint: NanoServices._RemoteEndpoint) {
                        self._$endpoint = _$endpoint
                    }
                }

                /// The methods a host may run for remote callers. Generated by `@RemoteService`.
                nonisolated static var _remoteMethods: [NanoServices._RemoteMethod<Service>] {
                    []
                }

                private static func _$requireCodable() {
                }
            }

            extension Ledger: NanoServices.RemoteService {}
            """
        }
    }

    @Test func remoteServiceNeedsNanoService() {
        assertMacro {
            """
            @RemoteService
            final class Ledger {
                public func count() -> Int { 0 }
            }
            """
        } diagnostics: {
            """
            @RemoteService
            ┬─────────────
            ╰─ 🛑 '@RemoteService' needs '@NanoService' on 'Ledger': only a nano service can be served remotely
            final class Ledger {
                public func count() -> Int { 0 }
            }
            """
        }
    }

    @Test func localOnlyOnAPropertyIsAnError() {
        assertMacro {
            """
            @LocalOnly var count = 0
            """
        } diagnostics: {
            """
            @LocalOnly var count = 0
            ┬─────────
            ╰─ 🛑 '@LocalOnly' can only be applied to a method
            """
        }
    }

    @Test func overloadsAndConditionalMethodsKeepTheirOwnSignatures() {
        assertMacro {
            """
            @NanoService @RemoteService
            final class Ledger {
                public func add(_ n: Int) {}
                public func add(_ text: String) {}
                #if DEBUG
                public func dump() -> String { "" }
                #endif
            }
            """
        } expansion: {
            """
            @NanoService
            final class Ledger {
                public func add(_ n: Int) {}
                public func add(_ text: String) {}
                #if DEBUG
                public func dump() -> String { "" }
                #endif

                /// A handle to a `Ledger` served by another process (`RemoteHost` in `NanoServicesRemote`):
                /// the same method names as `Service`; calls travel as gRPC calls, casts in order on one stream.
                /// Thread-safe; a cheap value. Make one with `RemoteClient.handle(to:named:)`.
                nonisolated struct Remote: NanoServices.RemoteServiceHandle {
                    let _$endpoint: NanoServices._RemoteEndpoint

                    init(_$endpoint: NanoServices._RemoteEndpoint) {
                        self._$endpoint = _$endpoint
                    }

                    /// Remote cast: queues `add(_:)` for the host and returns at once.
                    func add(_ n: Int) {
                        _$endpoint._cast("add(_:)", signature: 0xc3722f69d611bde4, [n])
                    }

                    /// Remote cast: queues `add(_:)` for the host and returns at once.
                    func add(_ text: String) {
                        _$endpoint._cast("add(_:)", signature: 0x202d335edf977edc, [text])
                    }

                    #if DEBUG
                    /// Remote call: runs `dump()` on the host; blocks the calling thread until it answers.
                    ///
                    /// - Throws: `ServiceError` (the host's code, or `.network`), or `RemoteError` for an error the method threw on the host.
                    @available(*, noasync, message: "blocks the calling thread: use 'try await' in async code (at the top level of main.swift, where Swift picks this overload even after 'await', make the call from an 'async' function)")
                    func dump() throws -> String {
                        try _$endpoint._callBlocking("dump()", signature: 0x957f56632b8fd6bb, [], returning: String.self)
                    }

                    /// Remote call: runs `dump()` on the host; suspends until it answers, blocking no thread.
                    ///
                    /// - Throws: `ServiceError` (the host's code, or `.network`), or `RemoteError` for an error the method threw on the host.
                    func dump() async throws -> String {
                        try await _$endpoint._call("dump()", signature: 0x957f56632b8fd6bb, [], returning: String.self)
                    }
                    #endif
                }

                /// The methods a host may run for remote callers. Generated by `@RemoteService`.
                nonisolated static var _remoteMethods: [NanoServices._RemoteMethod<Service>] {
                    var methods: [NanoServices._RemoteMethod<Service>] = []
                    methods.append(
                        NanoServices._RemoteMethod(name: "add(_:)", signature: 0xc3722f69d611bde4, isCast: true) { _$handle, _$arguments in
                            let n = try _$arguments.read(Int.self)
                            try _$arguments.finish()
                            _$handle.add(n)
                            return NanoServices._RemoteVoid()
                        }
                    )
                    methods.append(
                        NanoServices._RemoteMethod(name: "add(_:)", signature: 0x202d335edf977edc, isCast: true) { _$handle, _$arguments in
                            let text = try _$arguments.read(String.self)
                            try _$arguments.finish()
                            _$handle.add(text)
                            return NanoServices._RemoteVoid()
                        }
                    )
                    #if DEBUG
                    methods.append(
                        NanoServices._RemoteMethod(name: "dump()", signature: 0x957f56632b8fd6bb, isCast: false) { _$handle, _$arguments in
                            try _$arguments.finish()
                            return try await _$handle.dump()
                        }
                    )
                    #endif
                    return methods
                }

                private static func _$requireCodable() {
                    NanoServices._requireCodable(Int.self, "add(_:) parameter 'n' crosses processes: make it Codable, or mark the method @LocalOnly")
                    NanoServices._requireCodable(String.self, "add(_:) parameter 'text' crosses processes: make it Codable, or mark the method @LocalOnly")
                    #if DEBUG
                    NanoServices._requireCodable(String.self, "dump() result crosses processes: make it Codable, or mark the method @LocalOnly")
                    #endif
                }
            }

            extension Ledger: NanoServices.RemoteService {}
            """
        }
    }
}
