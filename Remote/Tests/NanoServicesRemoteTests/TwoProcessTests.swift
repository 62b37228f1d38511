import NanoServices
@testable import NanoRemoteExample
import GRPCNIOTransportHTTP2
import NanoServicesRemote
import Synchronization
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
            try await RemoteNetworkHarness.retryUntilConnected { _ = try await tally.current() }
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

    /// Casts sent while the host cannot be reached stay queued; a call after them fails with
    /// `.network` (it must not run before them), and once the host is up the first call that
    /// answers sees them all, in the order sent.
    @Test func castsSentWhileTheHostIsDownAreSeenByTheFirstCallThatAnswers() async throws {
        let port = try RemoteNetworkHarness.closedPort()
        try await RemoteNetworkHarness.withClient(port: port) { (client: RemoteClient<HTTP2ClientTransport.Posix>) async throws in
            let tally = client.handle(to: Tally.self, named: "tally", timeout: .seconds(600))
            for digit in 1...3 { tally.appendDigit(digit) }
            let error = await #expect(throws: ServiceError.self) { try await tally.current() }
            #expect(error?.code == .network)

            let child = try ChildHost(port: port)
            defer { child.kill() }
            await child.waitFor("serving")
            var answers: [Int] = []
            for _ in 0..<600 where answers.isEmpty {
                do { answers.append(try await tally.current()) } catch let error as ServiceError where error.code == .network {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            #expect(answers == [123])  // 1, 2, 3 in the order sent
            #expect(client.lostCasts == 0)
        }
    }

    /// Calls from 4 tasks while the host is killed, then more after it restarts: every call
    /// that returned ran exactly once on its host, and no call ran twice (at most once).
    @Test func noCallThatReturnedIsLostOrRunTwiceAcrossAKillAndARestart() async throws {
        let port = try RemoteNetworkHarness.closedPort()
        var child = try ChildHost(port: port)
        await child.waitFor("serving")
        try await RemoteNetworkHarness.withClient(port: port) { (client: RemoteClient<HTTP2ClientTransport.Posix>) async throws in
            let tally = client.handle(to: Tally.self, named: "tally", timeout: .seconds(600))
            /// Each task records ids `base + 0, 1, ...` until a call fails; returns those that returned.
            func callUntilFailure(base: Int) async -> [Int] {
                var returned: [Int] = []
                for id in base..<(base + 100_000) {
                    do { returned.append(try await tally.record(id)) } catch { break }
                }
                return returned
            }
            try await RemoteNetworkHarness.retryUntilConnected { _ = try await tally.current() }
            let finished = FinishedCount()
            let callers = (0..<4).map { task in
                Task {
                    defer { finished.count.withLock { $0 += 1 } }
                    return await callUntilFailure(base: task * 1_000_000)
                }
            }
            // Kill it mid-stream: once the first task is well under way (or, if every task
            // stopped early, at once: the expectations below then fail).
            while !child.text.contains("recorded 200\n") && finished.count.withLock({ $0 }) < 4 {
                try await Task.sleep(for: .milliseconds(5))
            }
            child.kill()
            var returned: [Int] = []
            for caller in callers { returned += await caller.value }
            await child.waitForEndOfOutput()
            Self.expectAtMostOnce(returned: returned, output: child.text)
            #expect(returned.count > 200, "host output: \(child.text.suffix(2_000))")

            child = try ChildHost(port: port)
            await child.waitFor("serving")
            var afterRestart: [Int] = []
            for id in 9_000_000..<9_000_050 {
                do { afterRestart.append(try await tally.record(id)) } catch let error as ServiceError where error.code == .network {
                    try await Task.sleep(for: .milliseconds(50))  // still reconnecting: this id never ran
                }
            }
            #expect(!afterRestart.isEmpty)
            child.kill()
            await child.waitForEndOfOutput()
            Self.expectAtMostOnce(returned: afterRestart, output: child.text)
        }
    }

    /// Every id in `returned` is printed exactly once by the host; no id is printed twice.
    private static func expectAtMostOnce(returned: [Int], output: String) {
        var runs: [Int: Int] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("recorded ") {
            if let id = Int(line.dropFirst("recorded ".count)) { runs[id, default: 0] += 1 }
        }
        #expect(returned.filter { runs[$0] != 1 }.isEmpty, "a call that returned did not run exactly once")
        #expect(runs.filter { $0.value > 1 }.isEmpty, "a call ran twice")
    }
}

/// How many caller tasks have finished.
private final class FinishedCount: Sendable {
    let count = Mutex(0)
}
