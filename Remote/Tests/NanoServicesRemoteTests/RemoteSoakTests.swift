import GRPCNIOTransportHTTP2
import NanoServices
import NanoServicesRemote
import Testing

/// The served counter of the soak: casts add, calls echo and read the total.
@NanoService
@RemoteService
final class SoakCounter {
    private var total = 0

    init() {}

    public func add(_ amount: Int) { total += amount }
    public func echo(_ value: Int) -> Int { value }
    public func current() -> Int { total }
}

/// Issue 14's soak: 4 clients, each with its own HTTP/2 connection on loopback, make 10,000
/// calls and send 100,000 casts at once to one host. Every call answers its own value, no cast
/// is lost or counted twice, no client loses a cast.
@Suite(.timeLimit(.minutes(15)))
struct RemoteSoakTests {
    static let clients = 4
    static let callsPerClient = 10_000
    static let castsPerClient = 100_000

    @Test func fourClientsTenThousandCallsAndAHundredThousandCastsEach() async throws {
        let counter = try SoakCounter.Service(options: .named("soak"))
        try await RemoteNetworkHarness.withHost(serving: { $0.serve(counter, as: "soak") }) { port in
            try await withThrowingTaskGroup(of: Int.self) { clients in
                for client in 0..<Self.clients {
                    clients.addTask {
                        var lost = 0
                        try await RemoteNetworkHarness.withClient(port: port) { connection in
                            let remote = connection.handle(to: SoakCounter.self, named: "soak", timeout: .seconds(120))
                            try await RemoteNetworkHarness.retryUntilConnected { _ = try await remote.current() }
                            for call in 0..<Self.callsPerClient {
                                let value = client * 1_000_000 + call
                                #expect(try await remote.echo(value) == value)
                                // The casts go out between the calls, 10 per call.
                                for _ in 0..<(Self.castsPerClient / Self.callsPerClient) { remote.add(1) }
                            }
                            _ = try await remote.current()  // after every cast of this client
                            lost = connection.lostCasts
                        }
                        return lost
                    }
                }
                let lostCasts = try await clients.reduce(0, +)
                #expect(lostCasts == 0)
            }
            #expect(try await counter.current() == Self.clients * Self.castsPerClient)
        }
        try await counter.control.stop()
    }
}
