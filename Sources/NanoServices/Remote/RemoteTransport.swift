/// The client side of a remote service, as generated code sees it: something that can deliver
/// a ``_RemoteRequest`` to a host and bring back the answer.
///
/// Implementation detail of `@RemoteService`. The core library defines the protocol and never
/// implements it (it knows nothing of gRPC, sockets or encoders); the `NanoServicesRemote`
/// package implements it over grpc-swift-2. Conforming types are shared by every remote handle
/// that talks to one host, from any thread, so they must be `Sendable`.
public protocol _RemoteTransport: Sendable {
    /// Sends a call and suspends until its answer arrives, the request's timeout expires or the
    /// connection breaks. Blocks no thread.
    ///
    /// - Throws: ``ServiceError`` (the host's code for `stopped`, `timeout`, `deadlock`, ...;
    ///   ``ServiceError/Code/network`` when the host cannot be reached or the connection broke),
    ///   or the transport's own error for a user error or a request the host rejected.
    func _call<Result: Decodable & Sendable>(_ request: _RemoteRequest, returning: Result.Type) async throws -> Result

    /// Sends a call and blocks the calling thread until its answer arrives. For plain threads
    /// only (generated code marks its callers `noasync`); throws as ``_call(_:returning:)``.
    func _callBlocking<Result: Decodable & Sendable>(_ request: _RemoteRequest, returning: Result.Type) throws -> Result

    /// Queues a cast for the host and returns at once. Casts queued by one handle reach the
    /// host in the order queued. A cast the host never receives (the connection broke) is
    /// counted and logged by the transport: a cast has no caller to tell.
    func _cast(_ request: _RemoteRequest)
}

/// One message to a remote service: which service, which method (name and signature hash),
/// its arguments in order, and the caller's time limit.
///
/// Implementation detail of `@RemoteService`; built by ``_RemoteEndpoint``.
public struct _RemoteRequest: Sendable {
    /// The name the host serves the service under.
    public var service: String
    /// The method's Swift name, `add(_:)`.
    public var method: String
    /// A hash of the method's declaration (labels, parameter types, result, throws, async),
    /// computed by the macro: a host built from a different declaration rejects the request
    /// instead of decoding it wrongly.
    public var signature: UInt64
    /// The arguments, in declaration order.
    public var arguments: [any Encodable & Sendable]
    /// The time limit of a call (`nil`: none). Casts ignore it.
    public var timeout: Duration?

    public init(service: String, method: String, signature: UInt64, arguments: [any Encodable & Sendable], timeout: Duration?) {
        self.service = service
        self.method = method
        self.signature = signature
        self.arguments = arguments
        self.timeout = timeout
    }
}

/// The result of a remote call whose method returns nothing: encodes as an empty value.
public struct _RemoteVoid: Codable, Sendable, Equatable {
    public init() {}
}
