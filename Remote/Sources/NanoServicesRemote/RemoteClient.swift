import Dispatch
import GRPCCore
import Instrumentation
import Logging
import NanoServices
import ServiceLifecycle
import Synchronization

/// A connection to one ``RemoteHost``, and the factory of remote handles to its services.
///
/// ```swift
/// let client = RemoteClient(transport: try HTTP2ClientTransport.Posix(target: .ipv4(address: "127.0.0.1", port: 7000),
///                                                                      transportSecurity: .plaintext))
/// // run it beside the program: in a ServiceGroup, or a task: `try await client.run()`
/// let counter = client.handle(to: Counter.self, named: "counter")   // Counter.Remote
/// counter.add(5)                                                     // remote cast
/// let total = try await counter.current()                            // remote call
/// ```
///
/// A swift-service-lifecycle `Service`: ``run()`` keeps the connections (the transport
/// reconnects by itself when the host comes back) until a graceful shutdown, then returns once
/// calls in flight have finished. Calls are one gRPC unary call each, with the handle's
/// time limit as the deadline. The sender's trace context (`ServiceContext.current`) goes
/// along with every call and cast (see `TraceContextPropagation`). Casts to one service name go in order on one stream per
/// service (opened on the first cast, reopened after a broken connection: casts that were
/// written to a broken stream are lost and counted in ``lostCasts``; at most once). A call
/// made after casts to the same service sees their effect, as locally: it first waits one
/// round trip for the host to confirm it has handed those casts to the service.
/// Thread-safe; share one client between all handles to a host.
public final class RemoteClient<Transport: ClientTransport>: NanoServices._RemoteTransport, Service, Sendable {
    private let client: GRPCClient<Transport>
    private let logger: Logger
    private let castStreams = Mutex<[String: CastStream]>([:])
    /// Streams finished by a graceful shutdown, until their queued casts are written.
    private let draining = Mutex<[CastStream]>([])
    private let lost = Atomic<Int>(0)
    private let errorTypes: RemoteErrorTypes

    /// A client on `transport`. A remote method's error whose type is in `errorTypes` (and
    /// `Encodable` on the host) is thrown as itself; any other arrives as a ``RemoteError``
    /// with code ``RemoteError/Code/userError`` (see ``RemoteErrorTypes``).
    public init(
        transport: Transport, errorTypes: [any (Error & Decodable).Type] = [],
        logger: Logger = Logger(label: "NanoServicesRemote.RemoteClient")
    ) {
        self.client = GRPCClient(transport: transport)
        self.errorTypes = RemoteErrorTypes(errorTypes)
        self.logger = logger
    }

    /// A handle to the service the host serves as `name`. Free: no connection is made until
    /// the first call or cast. `timeout` limits every call made through the handle.
    public func handle<Served: RemoteService>(to type: Served.Type, named name: String, timeout: Duration? = nil) -> Served.Remote {
        Served.Remote(_$endpoint: NanoServices._RemoteEndpoint(transport: self, serviceName: name, timeout: timeout))
    }

    /// Keeps the connections until a graceful shutdown; then finishes the cast streams and the
    /// calls in flight and returns. Runs on the caller's task; call it once.
    ///
    /// Cancelling the task that runs it (a `ServiceGroup` does when its graceful-shutdown
    /// time runs out) ends it at once: casts still queued — for a host that cannot be reached
    /// or never answers — are dropped and counted in ``lostCasts``.
    public func run() async throws {
        do {
            try await withGracefulShutdownHandler {
                try await client.runConnections()
            } onGracefulShutdown: {
                self.beginGracefulShutdown()
            }
        } catch {
            await endCastStreams()
            throw error
        }
        await endCastStreams()
    }

    /// Ends every cast stream now, those still draining after a graceful shutdown included,
    /// and returns once they have ended (their queued casts counted as lost).
    private func endCastStreams() async {
        let streams = castStreams.withLock { streams in
            defer { streams.removeAll() }
            return Array(streams.values)
        } + draining.withLock { $0 }
        streams.forEach { $0.cancel() }
        for stream in streams { await stream.drained() }
    }

    /// Stops the cast streams once their queued casts are written, and the connections once
    /// the calls in flight are answered. Any thread; returns at once.
    public func beginGracefulShutdown() {
        let streams = castStreams.withLock { streams in
            defer { streams.removeAll() }
            return Array(streams.values)
        }
        streams.forEach { $0.finish() }
        draining.withLock { $0 += streams }
        Task { [client] in
            for stream in streams { await stream.drained() }
            client.beginGracefulShutdown()
        }
    }

    /// Casts that were queued but may not have reached the host (their stream broke).
    public var lostCasts: Int { lost.load(ordering: .relaxed) }

    // MARK: _RemoteTransport

    public func _call<Result: Decodable & Sendable>(_ request: NanoServices._RemoteRequest, returning: Result.Type) async throws -> Result {
        try await call(request, returning: Result.self, chain: _RemoteCallChain.outgoing)
    }

    /// A call whose caller waits behind `chain` (computed where the caller runs: see
    /// `_RemoteCallChain.outgoing`).
    private func call<Result: Decodable & Sendable>(
        _ request: NanoServices._RemoteRequest, returning: Result.Type, chain: _RemoteCallChain
    ) async throws -> Result {
        // A call after casts sees their effect, as locally: wait until the host has handed
        // them to the service (free when none was sent since the last call). The wait counts
        // against the call's time limit.
        var timeout = request.timeout
        if let casts = castStreams.withLock({ $0[request.service] }) {
            let began = ContinuousClock.now
            switch await casts.barrier(timeout: timeout) {
            case .confirmed:
                if let limit = timeout {
                    timeout = limit - (ContinuousClock.now - began)
                    if timeout! <= .zero { throw Self.timeoutBehindCasts(request, limit: limit) }
                }
            case .unreachable:
                // Its stream broke before the casts were written: the host cannot be reached.
                throw ServiceError(
                    .network, service: request.service,
                    message: "host unreachable: the cast stream broke before the casts sent before '\(request.method)' were written (they stay queued)")
            case .timedOut:
                throw Self.timeoutBehindCasts(request, limit: timeout ?? .zero)
            case .cancelled:
                throw CancellationError()
            }
        }
        let answer = try await call(
            envelope: try Self.envelope(request, traceContext: []), service: request.service, timeout: timeout, chain: chain)
        return try RemotePayload.decode(Result.self, from: answer)
    }

    /// Sends one envelope as a `Call` and returns the encoded answer, or throws the error the
    /// handle's caller sees. Runs on the caller's task.
    func call(envelope bytes: [UInt8], service: String, timeout: Duration?, chain: _RemoteCallChain = _RemoteCallChain()) async throws -> [UInt8] {
        var metadata = Metadata()
        TraceContextPropagation.inject(into: &metadata)
        RemoteCallChainMetadata.add(chain, to: &metadata)
        var options = CallOptions.defaults
        if let timeout {
            options.timeout = timeout
            let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
            metadata.addString(String(nanoseconds), forKey: HostMethods.timeoutKey)
        }
        do {
            return try await client.unary(
                request: ClientRequest(message: bytes, metadata: metadata),
                descriptor: HostMethods.call,
                serializer: RawBytesSerializer(),
                deserializer: RawBytesDeserializer(),
                options: options
            ) { try $0.message }
        } catch let error as RPCError {
            throw RemoteErrorMapping.clientError(for: error, service: service, errorTypes: errorTypes)
        } catch let error as RuntimeError {
            throw ServiceError(.network, service: service, message: "the remote client is not running: \(error)")
        }
    }

    public func _callBlocking<Result: Decodable & Sendable>(_ request: NanoServices._RemoteRequest, returning: Result.Type) throws -> Result {
        let outcome = BlockingOutcome<Result>()
        // Read on the calling thread: its context and its service do not reach the task by themselves.
        let context = ServiceContext.current
        let chain = _RemoteCallChain.outgoing
        Task {
            await outcome.fulfil {
                try await TraceContextPropagation.withContext(context) { try await self.call(request, returning: Result.self, chain: chain) }
            }
        }
        return try outcome.wait()
    }

    public func _cast(_ request: NanoServices._RemoteRequest) {
        let bytes: [UInt8]
        do { bytes = try Self.envelope(request, traceContext: TraceContextPropagation.fields()) } catch {
            logger.error("a remote cast could not be encoded and was dropped", metadata: ["method": "\(request.method)", "error": "\(error)"])
            lost.add(1, ordering: .relaxed)
            return
        }
        cast(envelope: bytes, service: request.service)
    }

    /// Queues one envelope (or, in tests, any bytes) on the cast stream to `service`, opening
    /// the stream on first use. Any thread; never blocks.
    func cast(envelope bytes: [UInt8], service: String) {
        let stream = castStreams.withLock { streams in
            if let stream = streams[service] { return stream }
            let stream = CastStream(client: client, service: service, logger: logger, lost: { [weak self] count in
                self?.lost.add(count, ordering: .relaxed)
            })
            streams[service] = stream
            return stream
        }
        stream.send(bytes)
    }

    /// The error of a call whose time limit ran out while it waited for the host to confirm
    /// the casts sent before it.
    private static func timeoutBehindCasts(_ request: NanoServices._RemoteRequest, limit: Duration) -> ServiceError {
        ServiceError(.timeout, service: request.service,
                     message: "call '\(request.method)' got no answer within \(limit): the host had not yet confirmed the casts sent before it")
    }

    /// A request's wire form. A call's trace context travels in its metadata instead, so
    /// `traceContext` is empty for calls.
    private static func envelope(_ request: NanoServices._RemoteRequest, traceContext: [TraceField]) throws -> [UInt8] {
        RemoteEnvelope(
            service: request.service, method: request.method, signature: request.signature,
            traceContext: traceContext, payload: try RemotePayload.encode(arguments: request.arguments)
        ).serialized()
    }
}

/// The answer of a blocking remote call, handed from the task that made the call to the
/// thread that waits for it.
private final class BlockingOutcome<Value: Sendable>: Sendable {
    private let value = Mutex<Result<Value, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    /// Runs `body` and stores its outcome. Runs on the calling task.
    func fulfil(_ body: () async throws -> Value) async {
        let result: Result<Value, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        value.withLock { $0 = result }
        done.signal()
    }

    /// Blocks the calling thread until ``fulfil(_:)`` has run.
    func wait() throws -> Value {
        done.wait()
        return try value.withLock { $0! }.get()
    }
}
