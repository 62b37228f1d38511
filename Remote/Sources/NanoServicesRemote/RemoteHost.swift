import GRPCCore
import Instrumentation
import Logging
import NanoServices
import ServiceLifecycle
import Synchronization

/// Serves any number of named local services to other processes over one gRPC server
/// transport (`HTTP2ServerTransport.Posix` for a port, `InProcessTransport.Server` in tests).
///
/// ```swift
/// let host = RemoteHost(transport: HTTP2ServerTransport.Posix(address: .ipv4(host: "127.0.0.1", port: 7000),
///                                                               transportSecurity: .plaintext))
/// host.serve(counter, as: "counter")              // counter: Counter.Service
/// let group = ServiceGroup(services: [host], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
///
/// A swift-service-lifecycle `Service`: ``run()`` serves until the group shuts down gracefully
/// (stop accepting, finish the calls in flight, return) or its task is cancelled. Requests run
/// on gRPC's tasks; each call awaits the local handle's `async` overload, blocking no thread.
/// The caller's trace context is current while a request is handed to its service, so the
/// method's spans join the caller's trace.
/// Bad input (malformed message, unknown service or method, changed signature) is answered with
/// a ``RemoteError`` and logged at `warning`; nothing is run that could not be decoded.
public final class RemoteHost<Transport: ServerTransport>: Service, Sendable {
    private let transport: Transport
    private let logger: Logger
    private let services = Mutex<[String: ServedService]>([:])
    /// The running server, and whether a shutdown was asked for before it existed.
    private let server = Mutex<(running: GRPCServer<Transport>?, shutdownRequested: Bool)>((nil, false))

    /// A host on `transport`; serves nothing until ``serve(_:as:)`` and ``run()``.
    public init(transport: Transport, logger: Logger = Logger(label: "NanoServicesRemote.RemoteHost")) {
        self.transport = transport
        self.logger = logger
    }

    /// Serves `handle` under `name`, replacing a service of the same name. Any thread, also
    /// while running; cost: one table of the type's remote methods.
    public func serve<Handle: ServiceHandle>(_ handle: Handle, as name: String)
    where Handle._Message.Instance: RemoteService, Handle._Message.Instance.Service == Handle {
        let served = ServedService(name: name, handle: handle, table: Handle._Message.Instance._remoteMethods)
        // Its messages carry the request's context, so its own remote calls extend the chain
        // of waiting services (see `_RemoteCallChain`).
        handle._carryCallerContext()
        services.withLock { $0[name] = served }
    }

    /// Serves until a graceful shutdown (or cancellation), then returns once the calls in
    /// flight have finished. Runs on the caller's task; call it once.
    public func run() async throws {
        let server = GRPCServer(transport: transport, services: [HostRPCService(host: self)])
        let shutdownRequested = self.server.withLock { state in
            state.running = server
            return state.shutdownRequested
        }
        if shutdownRequested { server.beginGracefulShutdown() }
        try await withGracefulShutdownHandler {
            try await server.serve()
        } onGracefulShutdown: {
            server.beginGracefulShutdown()
        }
    }

    /// Stops accepting requests and lets ``run()`` return once the calls in flight finished.
    /// Any thread; returns at once.
    public func beginGracefulShutdown() {
        let running = server.withLock { state in
            state.shutdownRequested = true
            return state.running
        }
        running?.beginGracefulShutdown()
    }

    /// Parses a request's envelope; a malformed one is logged and thrown as the status to
    /// answer with.
    func parse(_ bytes: [UInt8]) throws -> RemoteEnvelope {
        do {
            return try RemoteEnvelope(parsing: bytes)
        } catch {
            logger.warning("rejected a remote request", metadata: ["error": "\(error)", "bytes": "\(bytes.count)"])
            throw RemoteErrorMapping.status(for: error)
        }
    }

    /// The envelopes of one cast-stream message: the message itself, or the envelopes of a
    /// batch (``CastBatch``). A malformed batch is logged, its claimed casts are added to
    /// `rejected`, and none of it is run.
    func castEnvelopes(in message: [UInt8], rejected: inout UInt64) -> [[UInt8]] {
        guard CastBatch.isBatch(message) else { return [message] }
        do {
            return try CastBatch.envelopes(of: message)
        } catch {
            logger.warning("rejected a batch of remote casts", metadata: ["error": "\(error.error)", "bytes": "\(message.count)", "casts": "\(error.claimed)"])
            rejected += UInt64(max(error.claimed, 1))
            return []
        }
    }

    /// Runs one request: finds the method, decodes every argument, invokes. Throws the status
    /// to answer with; a rejected request is logged at `warning`.
    func handle(
        _ envelope: RemoteEnvelope, timeout: Duration?, castsOnly: Bool, chain: _RemoteCallChain? = nil
    ) async throws -> [UInt8] {
        do {
            guard let service = services.withLock({ $0[envelope.service] }) else {
                throw RemoteError(.unknownService, "the host serves no service named '\(envelope.service)'")
            }
            if let cycle = chain?.cycle(closedBy: service.control) {
                logger.warning("refused a remote call that closes a cycle of blocking calls", metadata: [
                    "service": "\(envelope.service)", "method": "\(envelope.method)", "cycle": "\(cycle.joined(separator: " → "))"])
                throw ServiceError(.deadlock, service: service.control.name, message:
                    "'\(envelope.method)' would wait forever: every service on the cycle is blocked in a call to the next", cycle: cycle)
            }
            let method = try service.method(for: envelope)
            guard method.isCast == castsOnly else {
                throw RemoteError(.signatureMismatch, "'\(envelope.method)' is a \(method.isCast ? "cast" : "call") on the host")
            }
            let result = try await method.invoke(PayloadArgumentReader(envelope.payload), timeout)
            return try RemotePayload.encode(result: result)
        } catch let error as RemoteError where error.code != .userError {
            logger.warning(
                "rejected a remote request",
                metadata: ["error": "\(error)", "service": "\(envelope.service)", "method": "\(envelope.method)"]
            )
            throw RemoteErrorMapping.status(for: error)
        } catch {
            throw RemoteErrorMapping.status(for: error)
        }
    }
}

/// The gRPC side of a host: registers `nanoservices.Host/Call` and `/Casts` on the router.
private struct HostRPCService<Transport: ServerTransport>: RegistrableRPCService {
    let host: RemoteHost<Transport>

    func registerMethods<T: ServerTransport>(with router: inout RPCRouter<T>) {
        let host = self.host
        router.registerHandler(
            forMethod: HostMethods.call, deserializer: RawBytesDeserializer(), serializer: RawBytesSerializer()
        ) { request, _ in
            let single = try await ServerRequest(stream: request)
            let timeout = single.metadata.first(HostMethods.timeoutKey).flatMap(Int64.init).map { Duration.nanoseconds($0) }
            let envelope = try host.parse(single.message)
            let chain = RemoteCallChainMetadata.chain(from: single.metadata)
            var context = TraceContextPropagation.context(from: single.metadata)
            if let chain {
                context = context ?? .topLevel
                context?._remoteCallChain = chain  // the service's own remote calls extend it
            }
            let answer = try await TraceContextPropagation.withContext(context) {
                try await host.handle(envelope, timeout: timeout, castsOnly: false, chain: chain)
            }
            return StreamingServerResponse(single: ServerResponse(message: answer))
        }
        router.registerHandler(
            forMethod: HostMethods.casts, deserializer: RawBytesDeserializer(), serializer: RawBytesSerializer()
        ) { request, _ in
            StreamingServerResponse { writer in
                var rejected: UInt64 = 0
                for try await message in request.messages {
                    for bytes in host.castEnvelopes(in: message, rejected: &rejected) {
                        let envelope: RemoteEnvelope
                        do { envelope = try host.parse(bytes) } catch {
                            rejected += 1
                            continue
                        }
                        if let barrier = CastBarrier.id(of: envelope) {
                            // Every cast before the barrier has been handed to its service.
                            try await writer.write(CastBarrier.answer(barrier, rejected: rejected))
                            rejected = 0
                            continue
                        }
                        do {
                            _ = try await TraceContextPropagation.withContext(TraceContextPropagation.context(from: envelope.traceContext)) {
                                try await host.handle(envelope, timeout: nil, castsOnly: true)
                            }
                        } catch {
                            rejected += 1
                        }
                    }
                }
                if rejected > 0 { try await writer.write(CastBarrier.answer(0, rejected: rejected)) }
                return [:]
            }
        }
    }
}
