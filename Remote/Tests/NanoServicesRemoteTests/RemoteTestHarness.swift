import GRPCCore
import GRPCInProcessTransport
import InMemoryLogging
import Logging
import NanoServices
import NanoServicesRemote

/// A host and a client on grpc-swift-2's in-process transport, both running for the duration
/// of `body`, then shut down gracefully.
struct RemoteTestHarness {
    let host: RemoteHost<InProcessTransport.Server>
    let client: RemoteClient<InProcessTransport.Client>
    let hostLogs: InMemoryLogHandler

    static func run(
        errorTypes: [any (Error & Decodable).Type] = [],
        serving setUp: (RemoteHost<InProcessTransport.Server>) throws -> Void,
        _ body: (RemoteTestHarness) async throws -> Void
    ) async throws {
        let transport = InProcessTransport()
        let logs = InMemoryLogHandler()
        let host = RemoteHost(transport: transport.server, logger: Logger(label: "host") { _ in logs })
        try setUp(host)
        let client = RemoteClient(transport: transport.client, errorTypes: errorTypes)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await host.run() }
            group.addTask { try await client.run() }
            defer {
                client.beginGracefulShutdown()
                host.beginGracefulShutdown()
            }
            try await body(RemoteTestHarness(host: host, client: client, hostLogs: logs))
            client.beginGracefulShutdown()
            host.beginGracefulShutdown()
            try await group.waitForAll()
        }
    }
}

