import CNanoServicesShims
import Foundation
import NanoServices
import Testing

/// A service that can tell its kernel thread id and fail on demand.
@NanoService
final class IdleWaiter {
    init() {}
    public func threadID() -> Int64 { Int64(nano_thread_id()) }
    public func ping() {}
    /// Waits at `gate`, then fails: what is sent meanwhile stays queued in the mailbox.
    @Cast public func crash(after gate: Gate) throws {
        gate.wait()
        throw WorkerCrash(reason: "waiter")
    }
}

/// CPU time (user + system, in clock ticks of 10 ms) a thread of this process has used.
private func cpuTicks(ofThread tid: Int64) -> Int {
    guard let stat = try? String(contentsOfFile: "/proc/self/task/\(tid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return -1 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // After the name: state is field 3, utime field 14, stime field 15 (1-based, man proc).
    return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
}

/// A service thread that has messages queued it may not take yet must park, not spin: here a
/// supervised service waits for a restart whose backoff never ends (its clock is not advanced).
@Suite("Mailbox: a consumer that may not take its queued messages parks", .timeLimit(.minutes(15)))
struct WaitingConsumerTests {
    @Test("a service awaiting a restart, with a message queued, uses no CPU while it waits")
    func awaitingRestartParks() async throws {
        let clock = ManualClock()
        let supervisor = Supervisor(name: "parks", backoff: .exponential(initial: .seconds(60), maximum: .seconds(60)), clock: clock)
        let waiter = try supervisor.start(IdleWaiter.self) { IdleWaiter() }
        let tid = try await waiter.threadID()
        let gate = Gate()
        waiter.crash(after: gate)
        await eventually { gate.hasArrival }
        waiter.ping()                                  // queued in the mailbox behind the failure
        gate.open()                                    // fails; the ping waits for a new instance
        #expect(await ThreadInfo.eventually { waiter.control.snapshot().state == .running && waiter.control.mailboxDepth >= 1 })
        try await Task.sleep(for: .milliseconds(100))   // past the bounded spin before parking
        let before = cpuTicks(ofThread: tid)
        try await Task.sleep(for: .seconds(1))
        let used = cpuTicks(ofThread: tid) - before
        #expect(before >= 0)
        #expect(used <= 5, "the waiting service thread used \(used * 10) ms of CPU in 1 s")
        await supervisor.stop()
    }
}
