import Foundation
import GRPCCore
import GRPCInProcessTransport
import GRPCNIOTransportHTTP2
import NanoServices
import NanoServicesRemote

// Remote calls and casts beside a local handle and hand-written grpc-swift-2 unary calls on the
// same transport. Run in release:
//
//     cd Remote && swift run -c release nano-remote-bench [--quick]
//
// Two floors: a unary call that echoes raw bytes (what gRPC alone costs), and a hand-written
// unary call whose handler calls the same kind of local service (the job a remote call does,
// without NanoServicesRemote: what a user would write by hand). Every row is the best of 3
// rounds; the rows of one transport are measured in turn within each round, so that a busier
// moment of the machine does not favour one of them.

/// The served service: an echo call and a counting cast.
@NanoService
@RemoteService
final class BenchEcho {
    private var count = 0

    init() {}

    public func echo(_ value: Int) -> Int { value }
    public func echoOrder(_ order: BenchOrder) -> BenchOrder { order }
    public func add(_ amount: Int) { count += amount }
    public func total() -> Int { count }
}

/// A struct argument and result: what most service methods take (`Codable`, not a scalar).
struct BenchOrder: Codable, Sendable, Equatable {
    var id: Int
    var customer: String
    var items: [String]
    var total: Double
    var express: Bool
}

let order = BenchOrder(id: 1_234, customer: "Ada Lovelace", items: ["tea", "scones"], total: 12.5, express: true)

let quick = CommandLine.arguments.contains("--quick")
let calls = quick ? 200 : 20_000
let casts = quick ? 2_000 : 200_000

/// One row to measure: `body` runs `operations` operations.
struct Measured {
    let operations: Int
    let body: () async throws -> Void
}

/// Best of 3 rounds, in nanoseconds per operation, of each of `rows`; every round runs each
/// row once, in order.
func measure(_ rows: [Measured]) async throws -> [Double] {
    var best = Array(repeating: Double.infinity, count: rows.count)
    for _ in 0..<3 {
        for (index, row) in rows.enumerated() {
            let start = ContinuousClock.now
            try await row.body()
            let elapsed = ContinuousClock.now - start
            let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            best[index] = min(best[index], nanoseconds / Double(row.operations))
        }
    }
    return best
}

func format(_ nanoseconds: Double) -> String {
    nanoseconds >= 1_000 ? String(format: "%.2f µs", nanoseconds / 1_000) : String(format: "%.0f ns", nanoseconds)
}

func row(_ name: String, _ nanoseconds: Double, against reference: (String, Double)? = nil) {
    let ratio = reference.map { String(format: "  %.1f× the time of %@", nanoseconds / $0.1, $0.0) } ?? ""
    print(name.padding(toLength: 46, withPad: " ", startingAt: 0) + format(nanoseconds).padding(toLength: 11, withPad: " ", startingAt: 0) + ratio)
}

/// The floors: `Echo` returns the request's bytes; `EchoViaService` decodes an `Int`, awaits
/// `service.echo(_:)` on a local service and returns its answer (what a hand-written gRPC
/// front of a service does).
struct FloorService: RegistrableRPCService {
    static let method = MethodDescriptor(fullyQualifiedService: "bench.Floor", method: "Echo")
    static let viaService = MethodDescriptor(fullyQualifiedService: "bench.Floor", method: "EchoViaService")
    let service: BenchEcho.Service

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(forMethod: Self.method, deserializer: Bytes(), serializer: Bytes()) { request, _ in
            let single = try await ServerRequest(stream: request)
            return StreamingServerResponse(single: ServerResponse(message: single.message))
        }
        let service = self.service
        router.registerHandler(forMethod: Self.viaService, deserializer: Bytes(), serializer: Bytes()) { request, _ in
            let single = try await ServerRequest(stream: request)
            guard single.message.count == 8 else { throw RPCError(code: .invalidArgument, message: "not an Int") }
            let value = Int(littleEndian: single.message.withUnsafeBytes { $0.loadUnaligned(as: Int.self) })
            let answer = try await service.echo(value)
            return StreamingServerResponse(single: ServerResponse(message: littleEndian(answer)))
        }
    }
}

struct Bytes: MessageSerializer, MessageDeserializer {
    func serialize<Output: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Output { Output(message) }
    func deserialize<Input: GRPCContiguousBytes>(_ serializedMessageBytes: Input) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

/// Measures the rows of one transport: the two floors, remote calls, remote casts.
func measureTransport<Client: ClientTransport>(
    _ label: String, floor: GRPCClient<Client>, remote: BenchEcho.Remote, local: Double, isTargetTransport: Bool
) async throws {
    func unaryCalls(_ descriptor: MethodDescriptor) -> Measured {
        Measured(operations: calls) {
            for value in 0..<calls {
                let answer = try await floor.unary(
                    request: ClientRequest(message: littleEndian(value)), descriptor: descriptor,
                    serializer: Bytes(), deserializer: Bytes(), options: .defaults) { try $0.message }
                precondition(answer == littleEndian(value))
            }
        }
    }
    let remoteCalls = Measured(operations: calls) {
        for value in 0..<calls {
            let answer = try await remote.echo(value)
            precondition(answer == value)
        }
    }
    let remoteStructCalls = Measured(operations: calls) {
        for _ in 0..<calls {
            let answer = try await remote.echoOrder(order)
            precondition(answer == order)
        }
    }
    let remoteCasts = Measured(operations: casts) {
        for _ in 0..<casts { remote.add(1) }
        _ = try await remote.total()  // waits until the host has handed them all over
    }
    let measured = try await measure([unaryCalls(FloorService.method), unaryCalls(FloorService.viaService), remoteCalls, remoteCasts, remoteStructCalls])
    let (floorCall, handWritten, remoteCall, remoteCast, remoteStructCall) = (measured[0], measured[1], measured[2], measured[3], measured[4])
    row("gRPC unary echo, \(label) (floor)", floorCall)
    row("gRPC unary calling a service, \(label)", handWritten, against: ("the gRPC floor", floorCall))
    row("remote call, \(label)", remoteCall, against: ("the hand-written call", handWritten))
    row("remote call, \(label)", remoteCall, against: ("the gRPC floor", floorCall))
    row("remote call, \(label)", remoteCall, against: ("a local call", local))
    row("remote cast, \(label) (then one call)", remoteCast, against: ("a local call", local))
    row("remote call with a struct, \(label)", remoteStructCall, against: ("an Int call", remoteCall))
    // Issue 14's targets, on the transport it names (HTTP/2): the remote call against the
    // hand-written unary call doing the same job (calling the service), and against the raw
    // echo; casts against one unary call per message. The in-process transport (for tests)
    // prints the same ratios without a verdict.
    let overHandWritten = String(format: "%+.0f%%", (remoteCall / handWritten - 1) * 100)
    let overEcho = String(format: "%+.0f%%", (remoteCall / floorCall - 1) * 100)
    let castSpeedup = floorCall / remoteCast
    guard isTargetTransport else {
        print("  \(label), a test transport (no target): remote call \(overHandWritten) over the hand-written call, \(overEcho) over the raw echo; casts " + String(format: "%.1f×", castSpeedup) + " faster than unary calls")
        return
    }
    target("remote call within 15% of a hand-written gRPC unary call to the same service (\(label))",
           met: remoteCall / handWritten - 1 <= 0.15, measured: overHandWritten)
    target("remote call within 15% of a raw gRPC unary echo (\(label))", met: remoteCall / floorCall - 1 <= 0.15, measured: overEcho)
    target("remote casts ≥ 10× faster than one unary call per message (\(label))",
           met: castSpeedup >= 10, measured: String(format: "%.1f×", castSpeedup))
}

func target(_ what: String, met: Bool, measured: String) {
    print("  target \(met ? "MET   " : "MISSED") \(what): measured \(measured)")
}

func littleEndian(_ value: Int) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

/// Everything, in a function: top-level code would pick the blocking overloads.
func run() async throws {
    let echo = try BenchEcho.Service(options: .named("bench-echo"))
    print("nano-remote-bench: \(quick ? "quick (numbers mean little)" : "full run"), best of 3; \(calls) calls, \(casts) casts per run")
    // The floors' handler calls a service of its own, placed like the served one.
    let floorEcho = try BenchEcho.Service(options: .named("floor-echo"))
    let localCall = try await measure([Measured(operations: calls) {
        for value in 0..<calls {
            let answer = try await echo.echo(value)
            precondition(answer == value)
        }
    }])[0]
    row("local call (async, from a task)", localCall)

    // In-process transport: gRPC without a socket.
    do {
        let transport = InProcessTransport()
        let host = RemoteHost(transport: transport.server)
        host.serve(echo, as: "echo")
        let client = RemoteClient(transport: transport.client)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await host.run() }
            group.addTask { try await client.run() }
            let floorTransport = InProcessTransport()
            let floorServer = GRPCServer(transport: floorTransport.server, services: [FloorService(service: floorEcho)])
            let floorClient = GRPCClient(transport: floorTransport.client)
            group.addTask { try await floorServer.serve() }
            group.addTask { try await floorClient.runConnections() }
            try await measureTransport("in-process", floor: floorClient, remote: client.handle(to: BenchEcho.self, named: "echo"), local: localCall, isTargetTransport: false)
            floorClient.beginGracefulShutdown()
            floorServer.beginGracefulShutdown()
            client.beginGracefulShutdown()
            host.beginGracefulShutdown()
            try await group.waitForAll()
        }
    }

    // HTTP/2 on loopback: a real connection.
    do {
        let port = 7_400 + Int.random(in: 0..<500)
        let host = RemoteHost(transport: HTTP2ServerTransport.Posix(address: .ipv4(host: "127.0.0.1", port: port), transportSecurity: .plaintext))
        host.serve(echo, as: "echo")
        let client = RemoteClient(transport: try HTTP2ClientTransport.Posix(target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext))
        let floorServer = GRPCServer(
            transport: HTTP2ServerTransport.Posix(address: .ipv4(host: "127.0.0.1", port: port + 1), transportSecurity: .plaintext),
            services: [FloorService(service: floorEcho)])
        let floorClient = GRPCClient(transport: try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port + 1), transportSecurity: .plaintext))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await host.run() }
            group.addTask { try await client.run() }
            group.addTask { try await floorServer.serve() }
            group.addTask { try await floorClient.runConnections() }
            let remote = client.handle(to: BenchEcho.self, named: "echo")
            // The servers start listening in their tasks: wait until both answer.
            for attempt in 0..<100 {
                do {
                    _ = try await remote.total()
                    _ = try await floorClient.unary(
                        request: ClientRequest(message: [1]), descriptor: FloorService.method,
                        serializer: Bytes(), deserializer: Bytes(), options: .defaults) { try $0.message }
                    break
                } catch where attempt < 99 {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            try await measureTransport("HTTP/2 loopback", floor: floorClient, remote: remote, local: localCall, isTargetTransport: true)
            floorClient.beginGracefulShutdown()
            floorServer.beginGracefulShutdown()
            client.beginGracefulShutdown()
            host.beginGracefulShutdown()
            try await group.waitForAll()
        }
    }
    try await echo.control.stop()
    try await floorEcho.control.stop()
}

try await run()
