/// A service type whose instances can be served to other processes: `@RemoteService` adds the
/// conformance, the method table the host uses (``_remoteMethods``) and the remote handle
/// type ``Remote``. You never conform by hand.
public protocol RemoteService: NanoService {
    /// The generated remote handle, `Counter.Remote`.
    associatedtype Remote: RemoteServiceHandle
    /// One entry per method that crosses processes (every forwarded method not marked
    /// `@LocalOnly`). Read by the host once, when a service is registered.
    static var _remoteMethods: [_RemoteMethod<Service>] { get }
}

/// How a host invokes one method of a local handle for a remote caller: the method's name
/// and signature hash, and a function that decodes every argument first, then calls the
/// handle's `async` overload (or its cast) and returns the result to encode.
///
/// Implementation detail of `@RemoteService`. `invoke` runs on the host's request task;
/// it never calls the handle when an argument cannot be decoded.
public struct _RemoteMethod<Handle: ServiceHandle>: Sendable {
    /// The method's Swift name, `add(_:)`.
    public let name: String
    /// The hash of the method's declaration (see ``_RemoteRequest/signature``).
    public let signature: UInt64
    /// `true` for a cast: the host does not wait for it and answers nothing.
    public let isCast: Bool
    /// Decodes the arguments, calls the handle and returns the result (``_RemoteVoid`` for none).
    public let invoke: @Sendable (Handle, any _RemoteArgumentReader) async throws -> any Encodable & Sendable

    public init(
        name: String, signature: UInt64, isCast: Bool,
        invoke: @escaping @Sendable (Handle, any _RemoteArgumentReader) async throws -> any Encodable & Sendable
    ) {
        self.name = name
        self.signature = signature
        self.isCast = isCast
        self.invoke = invoke
    }
}

/// The arguments of one remote request, read in declaration order by generated code.
///
/// Implementation detail of `@RemoteService`, implemented by the transport. Used on one task.
public protocol _RemoteArgumentReader {
    /// Decodes the next argument, a fresh value (`sending`: it may be passed on to a `sending`
    /// parameter). Throws when it is missing or is not a `Value`.
    func read<Value: Decodable>(_ type: Value.Type) throws -> sending Value
    /// Throws when arguments are left over: the request was made for another declaration.
    func finish() throws
}

/// Compile-time check used by generated code: a parameter or result of a method that crosses
/// processes must be `Codable`. If this fails to compile, make the type `Codable`, or mark the
/// method `@LocalOnly` (it is then not part of the remote handle).
@inlinable
public func _requireCodable<T: Codable>(_ type: T.Type, _ what: StaticString) {}
