/// Where a remote handle sends its messages: a transport, the service's name on the host and
/// the handle's time limit for calls.
///
/// Implementation detail of `@RemoteService`: every generated remote handle stores one, and its
/// methods go through ``_call(_:signature:_:returning:)``, ``_callBlocking(_:signature:_:returning:)``
/// and ``_cast(_:signature:_:)``. A value type; copying it is cheap (a reference and a string).
public struct _RemoteEndpoint: Sendable {
    /// The connection to the host.
    public let transport: any _RemoteTransport
    /// The name the host serves the service under.
    public let serviceName: String
    /// The time limit of every call made through this endpoint, `nil` for none.
    public var timeout: Duration?

    public init(transport: any _RemoteTransport, serviceName: String, timeout: Duration? = nil) {
        self.transport = transport
        self.serviceName = serviceName
        self.timeout = timeout
    }

    /// Suspends until the host answers the call. Runs on the caller's task; blocks no thread.
    public func _call<Result: Decodable & Sendable>(
        _ method: String, signature: UInt64, _ arguments: [any Encodable & Sendable], returning: Result.Type
    ) async throws -> Result {
        try await transport._call(request(method, signature, arguments), returning: Result.self)
    }

    /// Blocks the calling thread until the host answers the call.
    public func _callBlocking<Result: Decodable & Sendable>(
        _ method: String, signature: UInt64, _ arguments: [any Encodable & Sendable], returning: Result.Type
    ) throws -> Result {
        try transport._callBlocking(request(method, signature, arguments), returning: Result.self)
    }

    /// Queues a cast and returns at once.
    public func _cast(_ method: String, signature: UInt64, _ arguments: [any Encodable & Sendable]) {
        transport._cast(request(method, signature, arguments))
    }

    private func request(_ method: String, _ signature: UInt64, _ arguments: [any Encodable & Sendable]) -> _RemoteRequest {
        _RemoteRequest(service: serviceName, method: method, signature: signature, arguments: arguments, timeout: timeout)
    }
}
