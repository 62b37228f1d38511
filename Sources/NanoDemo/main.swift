// nano-demo: services working together.
//
//   main ──cast──▶ Ledger            (counts what happened)
//   main ──call──▶ Checksummer ──cast──▶ Ledger
//   main ──move 64 MiB──▶ Checksummer ──move back──▶ main
//   main ──cast──▶ 1,000 Sessions on a 2-thread ServicePool
//   Heartbeat's own 10 ms timer ──tick──▶ Heartbeat (through its mailbox)
//   Supervisor ──restarts──▶ Feed  (fails at start-up, then on a bad reading)
//
// Run it with `swift run nano-demo`.
import Foundation
import NanoServices
import Synchronization

/// Keeps a tally per source. Only ever touched on its own thread: no locks.
@NanoService
final class Ledger {
    private var bytesBySource: [String: Int] = [:]

    init() {}

    /// A cast: the sender does not wait.
    public func record(_ source: String, bytes: Int) {
        bytesBySource[source, default: 0] += bytes
    }

    /// A call: the sender waits for the answer.
    public func summary() -> String {
        bytesBySource.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}

struct EmptyFrame: Error {}

/// Checksums frames it is handed, reports to the ledger, and hands the frames back.
@NanoService
final class Checksummer {
    private let ledger: Ledger.Service
    private var frames = 0

    init(ledger: Ledger.Service) { self.ledger = ledger }

    /// A call that can fail: the error reaches the caller unchanged.
    public func checksum(_ frame: [UInt8]) throws -> UInt32 {
        guard !frame.isEmpty else { throw EmptyFrame() }
        frames += 1
        ledger.record("checksummer", bytes: frame.count)
        return frame.reduce(UInt32(0)) { ($0 &* 31) &+ UInt32($1) }
    }

    /// Takes the buffer by move, writes a header into it in place, and moves it back.
    public func stamp(_ frame: consuming sending [UInt8]) -> sending [UInt8] {
        frame[0] = 0x4E // "N"
        frame[1] = 0x53 // "S"
        ledger.record("stamped", bytes: frame.count)
        print("  [\(threadName())] stamped \(frame.count >> 20) MiB in place")
        return frame
    }

    /// Where this service runs.
    public func whereAmI() -> String { threadName() }
}

/// One user's session: many of them, mostly idle, so they share a pool's threads.
@NanoService
final class Session {
    private var touches = 0

    init() {}

    public func touch() { touches += 1 }
    public func count() -> Int { touches }
}

/// Beats on a periodic timer it owns: each tick is a message in its own mailbox, handled
/// between its other messages on its own thread.
@NanoService
final class Heartbeat {
    private var beats = 0

    init(every interval: Duration) {
        timers.start("beat", every: interval) { $0.beat() }
    }

    func beat() { beats += 1 }
    public func count() -> Int { beats }
}

struct UpstreamNotReady: Error {}
struct BadReading: Error { let value: Int }

/// Sums readings from an upstream that is not up at first: its first initialization fails.
@NanoService
final class Feed {
    static let initializations = Atomic<Int>(0)
    private var sum = 0

    init() throws {
        if Self.initializations.add(1, ordering: .relaxed).newValue == 1 { throw UpstreamNotReady() }
    }

    public func push(_ value: Int) { sum += value }
    /// A `@Cast` method that throws: under a supervisor, the instance is replaced.
    @Cast public func check(_ value: Int) throws { if value < 0 { throw BadReading(value: value) } }
    public func total() -> Int { sum }
}

func threadName() -> String { CurrentService.name ?? "main" }

func address(_ buffer: [UInt8]) -> String {
    buffer.withUnsafeBufferPointer { String(UInt(bitPattern: $0.baseAddress), radix: 16) }
}

func runDemo() throws {
    print("NanoServices demo")

    let ledger = try Ledger.Service(options: .named("ledger"))
    let checksummer = try Checksummer.Service(ledger: ledger, options: .named("checksummer"))
    let heart = try Heartbeat.Service(every: .milliseconds(10), options: .named("heartbeat"))
    print("spawned 'ledger', 'checksummer' and 'heartbeat', each on its own thread")
    print("checksummer says it runs on '\(try checksummer.whereAmI())'")

    // Casts: enqueue and return at once.
    for source in ["sensor-a", "sensor-b", "sensor-a"] {
        ledger.record(source, bytes: 512)
    }
    print("cast 3 records to the ledger without waiting")

    // Calls: wait for the answer; errors come back as thrown errors.
    let sum = try checksummer.checksum([1, 2, 3, 4])
    print("call checksum([1, 2, 3, 4]) = \(sum)")
    do {
        _ = try checksummer.checksum([])
    } catch {
        print("call checksum([]) threw \(error) — the service's own error, unchanged")
    }

    // A move: 64 MiB goes to the service and comes back; the bytes are never copied.
    let frame = [UInt8](repeating: 0, count: 64 << 20)
    let before = address(frame)
    let started = ContinuousClock.now
    let stamped = try checksummer.stamp(consume frame)
    let elapsed = ContinuousClock.now - started
    print("moved 64 MiB there and back in \(elapsed): buffer at 0x\(before) before, 0x\(address(stamped)) after, header \(String(decoding: stamped[0..<2], as: UTF8.self))")

    print("ledger summary: \(try ledger.summary())")

    // More services than threads: 1,000 sessions share a pool of 2 threads, same guarantees.
    let pool = ServicePool(name: "sessions", threads: 2)
    let sessions = try (0..<1_000).map { _ in try Session.Service(options: .init(placement: .pool(pool))) }
    for _ in 0..<3 { for session in sessions { session.touch() } }
    let touches = try sessions.reduce(0) { $0 + (try $1.count()) }
    print("1,000 sessions on a pool of \(pool.threadCounts.alive) threads handled \(touches) casts")
    for session in sessions { session.control.requestStop() }
    for session in sessions { try session.control.join() }

    // A timer owned by a service: ticks arrive through its mailbox, never during a method.
    while try heart.count() < 3 { Thread.sleep(forTimeInterval: 0.005) }
    let pulse = heart.control.snapshot()
    print("heartbeat: \(pulse.timerTicksHandled) ticks of its 10 ms timer handled (\(pulse.timerTicksCoalesced) coalesced)")
    try heart.control.stop()

    // Supervision: the feed's first start fails and a bad reading fails it again; each time
    // its supervisor runs the factory again (after a backoff), and the handle keeps working.
    let supervisor = Supervisor(name: "feeds", backoff: .exponential(initial: .milliseconds(5)))
    let feed = try supervisor.start(Feed.self, options: .named("feed")) { try Feed() }
    feed.push(1)                 // waits in the mailbox until an instance exists
    feed.check(-1)               // fails the instance: restarted with fresh state
    feed.push(2)                 // kept for the new instance
    let total = try feed.total()  // answered by the third instance: only push(2) reached it
    print("feed restarted \(feed.control.snapshot().restarts) times (each logged with its reason); the fresh instance holds \(total)")
    supervisor.stop()            // stops its children in reverse start order, each draining

    // Clean shutdown: each stop drains the queue, then ends the thread.
    try checksummer.control.stop()
    try ledger.control.stop()
    print("stopped: checksummer is \(checksummer.control.state), ledger is \(ledger.control.state)")
    do {
        _ = try ledger.summary()
    } catch let error as ServiceError {
        print("a call after stop fails clearly: \(error)")
    }
}

try runDemo()
