import GRPCInProcessTransport
import NanoServices
import NanoServicesRemote
import Synchronization
import Testing

/// The client the relays call each other through (set by the test that serves them).
enum RelayNetwork {
    static let client = Mutex<RemoteClient<InProcessTransport.Client>?>(nil)
}

struct RelayNotConnected: Error {}

/// A served service that passes a request on to the next service of `path` through a remote
/// handle, blocking its thread while it waits, as a service calling another host would.
@NanoService
@RemoteService
final class Relay {
    init() {}

    /// Returns the names of the services the request went through, this one first.
    public func relay(_ path: [String]) throws -> [String] {
        let me = CurrentService.name ?? "?"
        guard let next = path.first else { return [me] }
        guard let client = RelayNetwork.client.withLock({ $0 }) else { throw RelayNotConnected() }
        // A generous limit: without cycle detection this call would wait for it, and fail.
        let remote = client.handle(to: Relay.self, named: next, timeout: .seconds(120))
        return [me] + (try remote.relay(Array(path.dropFirst())))
    }
}

@Suite(.timeLimit(.minutes(15)))
struct RemoteDeadlockTests {
    @Test func aCycleOfBlockingRemoteCallsFailsWithDeadlockNamingIt() async throws {
        let relays = try ["a", "b", "c"].map { try Relay.Service(options: .named($0)) }
        try await RemoteTestHarness.run(serving: { host in
            for relay in relays { host.serve(relay, as: relay.control.name) }
        }) { (harness: RemoteTestHarness) async throws in
            RelayNetwork.client.withLock { $0 = harness.client }
            let a = harness.client.handle(to: Relay.self, named: "a")
            // No cycle: a → b → c answers.
            #expect(try await a.relay(["b", "c"]) == ["a", "b", "c"])
            // a → b → a: a is blocked waiting for b; the host refuses the call to a at once.
            let error = await #expect(throws: ServiceError.self) { try await a.relay(["b", "a"]) }
            #expect(error?.code == .deadlock)
            #expect(error?.cycle == ["a", "b", "a"])
            // A longer one: a → b → c → b.
            let longer = await #expect(throws: ServiceError.self) { try await a.relay(["b", "c", "b"]) }
            #expect(longer?.code == .deadlock)
            #expect(longer?.cycle == ["b", "c", "b"])
            // The services are free again afterwards.
            #expect(try await a.relay(["c"]) == ["a", "c"])
            #expect(harness.hostLogs.entries.contains { "\($0.message)".contains("cycle of blocking calls") })
        }
    }
}
