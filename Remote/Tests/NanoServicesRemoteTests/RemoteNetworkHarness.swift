import Glibc
import GRPCNIOTransportHTTP2
import NanoServices
import NanoServicesRemote

/// A client on the HTTP/2 transport, for network failures on loopback.
enum RemoteNetworkHarness {
    /// Runs `body` with a running client whose host port on 127.0.0.1 has nothing listening.
    static func withClientToClosedPort(_ body: (RemoteClient<HTTP2ClientTransport.Posix>) async throws -> Void) async throws {
        try await withClient(port: try closedPort(), body)
    }

    /// Runs `body` with a running client to 127.0.0.1:`port`.
    /// With `cancellingAtEnd`, the client's `run()` is cancelled after `body` instead of shut
    /// down gracefully (a graceful shutdown waits for queued casts a silent host never takes).
    static func withClient(
        port: Int, cancellingAtEnd: Bool = false, _ body: (RemoteClient<HTTP2ClientTransport.Posix>) async throws -> Void
    ) async throws {
        let transport = try HTTP2ClientTransport.Posix(target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
        let client = RemoteClient(transport: transport)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { client.beginGracefulShutdown() }
            try await body(client)
            if cancellingAtEnd {
                group.cancelAll()
                _ = try? await group.waitForAll()  // cancelled: `run()` may throw CancellationError
            } else {
                client.beginGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }

    /// Until the client has connected (a host starts listening just after it says it serves),
    /// calls fail at once with `.network`: retries `call` until it answers, for up to 30 s.
    static func retryUntilConnected(_ call: () async throws -> Void) async throws {
        for _ in 0..<600 {
            do {
                try await call()
                return
            } catch let error as ServiceError where error.code == .network {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        try await call()
    }

    /// Runs `body` with a running client to a loopback port where a socket listens but never
    /// accepts: connections complete in the kernel and then hear nothing (a host that hangs).
    static func withClientToSilentHost(_ body: (RemoteClient<HTTP2ClientTransport.Posix>) async throws -> Void) async throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        let port = try bindLoopback(descriptor)
        guard listen(descriptor, 64) == 0 else { throw POSIXError(errno) }
        try await withClient(port: port, cancellingAtEnd: true, body)
    }

    /// Binds `descriptor` to 127.0.0.1 on a free port; returns the port.
    private static func bindLoopback(_ descriptor: Int32) throws -> Int {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw POSIXError(errno) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A loopback port that was free a moment ago: bound, read, closed.
    /// Runs `body` with a running host on 127.0.0.1, serving what `setUp` adds, on a free port
    /// (passed to `body`); then shuts the host down gracefully.
    static func withHost(
        serving setUp: (RemoteHost<HTTP2ServerTransport.Posix>) -> Void, _ body: (Int) async throws -> Void
    ) async throws {
        let port = try closedPort()
        let host = RemoteHost(transport: HTTP2ServerTransport.Posix(
            address: .ipv4(host: "127.0.0.1", port: port), transportSecurity: .plaintext))
        setUp(host)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await host.run() }
            defer { host.beginGracefulShutdown() }
            try await body(port)
            host.beginGracefulShutdown()
            try await group.waitForAll()
        }
    }

    static func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        return try bindLoopback(descriptor)
    }
}

struct POSIXError: Error {
    let code: Int32
    init(_ code: Int32) { self.code = code }
}
