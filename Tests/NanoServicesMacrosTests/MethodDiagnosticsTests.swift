import MacroTesting
import Testing

/// Diagnostics about public methods and initializers that cannot be forwarded. The other
/// methods are still forwarded, so the user sees only the macro's own error.
@Suite(.macros(nanoServiceMacros))
struct MethodDiagnosticsTests {
    @Test func inoutParameterIsRejected() {
        assertMacro {
            """
            @NanoService
            final class Counter {
                public func fill(_ buffer: inout [Int]) {}
                public func add(_ n: Int) {}
            }
            """
        } diagnostics: {
            """
            @NanoService
            final class Counter {
                public func fill(_ buffer: inout [Int]) {}
                                 ┬────────────────────
                                 ╰─ 🛑 'inout' parameter 'buffer' cannot cross to the service's thread; pass the value and return the result
                public func add(_ n: Int) {}
            }
            """
        }
    }

    @Test func genericMethodIsRejected() {
        assertMacro {
            """
            @NanoService
            final class Store {
                public func put<Value: Sendable>(_ value: Value) {}
            }
            """
        } diagnostics: {
            """
            @NanoService
            final class Store {
                public func put<Value: Sendable>(_ value: Value) {}
                               ┬────────────────
                               ╰─ 🛑 generic method 'put' cannot be forwarded by '@NanoService'; make it non-public or remove its generic parameters
            }
            """
        }
    }

    @Test func asyncInitializerIsRejected() {
        assertMacro {
            """
            @NanoService
            final class Fetcher {
                init(url: String) async {}
            }
            """
        } diagnostics: {
            """
            @NanoService
            final class Fetcher {
                init(url: String) async {}
                                  ┬────
                                  ╰─ 🛑 'async' initializers are not supported yet; make 'init(url:)' synchronous or private
            }
            """
        }
    }

    @Test func nameCollidingWithHandleIsRejected() {
        assertMacro {
            """
            @NanoService
            final class Machine {
                public func control() {}
                public func timingOut(after limit: Duration) -> String { "" }
            }
            """
        } diagnostics: {
            """
            @NanoService
            final class Machine {
                public func control() {}
                            ┬──────
                            ╰─ 🛑 public method 'control' collides with the handle's own 'control'; rename it
                public func timingOut(after limit: Duration) -> String { "" }
                            ┬────────
                            ╰─ 🛑 public method 'timingOut' collides with the handle's own 'timingOut'; rename it
            }
            """
        }
    }

    @Test func rethrowsIsRejected() {
        assertMacro {
            """
            @NanoService
            final class Runner {
                public func run(_ body: @Sendable () throws -> Void) rethrows {}
            }
            """
        } diagnostics: {
            """
            @NanoService
            final class Runner {
                public func run(_ body: @Sendable () throws -> Void) rethrows {}
                                                                     ┬───────
                                                                     ╰─ 🛑 cannot forward 'run': 'rethrows' depends on a closure argument; use 'throws'
            }
            """
        }
    }

    @Test func isolatedParameterIsRejected() {
        assertMacro {
            """
            @NanoService
            final class Bridge {
                public func enter(_ actor: isolated any Actor) {}
            }
            """
        } diagnostics: {
            """
            @NanoService
            final class Bridge {
                public func enter(_ actor: isolated any Actor) {}
                                           ┬───────
                                           ╰─ 🛑 cannot forward 'enter': 'isolated' parameter 'actor' would tie it to the caller's actor, not the service's thread
            }
            """
        }
    }

    @Test func opaqueParameterIsRejected() {
        assertMacro {
            """
            @NanoService
            final class Sink {
                public func consume(_ values: some Sequence<Int>) {}
            }
            """
        } diagnostics: {
            """
            @NanoService
            final class Sink {
                public func consume(_ values: some Sequence<Int>) {}
                                              ┬─────────────────
                                              ╰─ 🛑 cannot forward 'consume': opaque parameter type 'some Sequence<Int>' cannot be stored in a message; use a concrete or 'any' type
            }
            """
        }
    }

    @Test func opaqueResultIsRejected() {
        assertMacro {
            """
            @NanoService
            final class Source {
                public func values() -> some Sequence<Int> { [1] }
            }
            """
        } diagnostics: {
            """
            @NanoService
            final class Source {
                public func values() -> some Sequence<Int> { [1] }
                                        ┬─────────────────
                                        ╰─ 🛑 cannot forward 'values': an opaque result type cannot be carried back to the caller; return a concrete or 'any' type
            }
            """
        }
    }

    @Test func variadicParameterIsRejected() {
        assertMacro {
            """
            @NanoService
            final class Summer {
                public func sum(_ values: Int...) -> Int { 0 }
            }
            """
        } diagnostics: {
            """
            @NanoService
            final class Summer {
                public func sum(_ values: Int...) -> Int { 0 }
                                             ┬──
                                             ╰─ 🛑 cannot forward 'sum': variadic parameter 'values' cannot be passed on; take an array
            }
            """
        }
    }

    @Test func autoclosureParameterIsRejected() {
        assertMacro {
            """
            @NanoService
            final class Logger {
                public func log(_ message: @autoclosure () -> String) {}
            }
            """
        } diagnostics: {
            """
            @NanoService
            final class Logger {
                public func log(_ message: @autoclosure () -> String) {}
                                           ┬───────────
                                           ╰─ 🛑 cannot forward 'log': '@autoclosure' parameter 'message' would be evaluated on the service's thread; take a value
            }
            """
        }
    }

    @Test func everyProblemOfOneMethodIsReported() {
        assertMacro {
            """
            @NanoService
            final class Broken {
                public func control<T>(_ value: inout T) {}
            }
            """
        } diagnostics: {
            """
            @NanoService
            final class Broken {
                public func control<T>(_ value: inout T) {}
                                       ┬───────────────
                            │      │   ╰─ 🛑 'inout' parameter 'value' cannot cross to the service's thread; pass the value and return the result
                                   ┬──
                            │      ╰─ 🛑 generic method 'control' cannot be forwarded by '@NanoService'; make it non-public or remove its generic parameters
                            ┬──────
                            ╰─ 🛑 public method 'control' collides with the handle's own 'control'; rename it
            }
            """
        }
    }
}
