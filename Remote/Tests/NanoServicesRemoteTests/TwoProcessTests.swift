import NanoServices
@testable import NanoRemoteExample
import GRPCNIOTransportHTTP2
import NanoServicesRemote
import Testing

/// A host in a child process on loopback: killed mid-call, then restarted.
@Suite(.timeLimit(.minutes(15)))
struct TwoProcessTests {
    @Test func aKilledHostFailsThePendingCallAtOnceAndTheSameHandleWorksAfterARestart() async throws {
        let port = try RemoteNetworkHarness.closedPort()
        var child = try ChildHost(port: port)
        await child.waitFor("serving")
        try await RemoteNetworkHarness.withClient(port: port) { (client: RemoteClient<HTTP2ClientTransport.Posix>) async throws in
            // A time limit far beyond the test's: a failure must come from the broken connection.
            let tally = client.handle(to: Tally.self, named: "tally", timeout: .seconds(600))
            for amount in 1...10 { tally.add(amount) }
            #expect(try await tally.current() == 55)

            let pending = Task { try await tally.stall() }
            await child.waitFor("stalling")
            child.kill()
            let error = await #expect(throws: ServiceError.self) { try await pending.value }
            #expect(error?.code == .network)

            child = try ChildHost(port: port)
            await child.waitFor("serving")
            // The client reconnects by itself; until it has, calls fail with `.network` at once.
            var answer: Int?
            for _ in 0..<600 where answer == nil {
                do { answer = try await tally.current() } catch let error as ServiceError where error.code == .network {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(answer == 0)
            // Casts go on a new stream to the new host.
            tally.add(5)
            #expect(try await tally.current() == 5)
            // The ten casts were confirmed by the host (the call after them saw them): none is
            // counted as lost although their stream broke.
            #expect(client.lostCasts == 0)
        }
        child.kill()
    }
}
