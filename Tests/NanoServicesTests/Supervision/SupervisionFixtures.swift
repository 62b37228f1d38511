import Foundation
import NanoServices

struct WorkerCrash: Error, Equatable {
    let reason: String
}

/// A journal shared by the instances of one test: which instance was created or released,
/// in order. Tests use a fresh one each, so they never see each other's workers.
final class RestartJournal: Sendable {
    private let entries = Protected<[String]>([])
    private let generations = Protected<[String: Int]>([:])

    func record(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }

    /// Counts a new instance of `name` and returns its generation (1 for the first).
    func nextGeneration(of name: String) -> Int {
        generations.withLock { table in
            table[name, default: 0] += 1
            return table[name]!
        }
    }
}

/// A gate a method waits at until the test opens it: lets a test queue messages behind a
/// message in hand, deterministically.
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let arrival = Protected(false)
    /// Whether a method has reached the gate (and waits there).
    var hasArrival: Bool { arrival.withLock { $0 } }
    func open() { semaphore.signal() }
    func wait() {
        arrival.withLock { $0 = true }
        semaphore.wait()
    }
}

/// The supervised worker of these tests: knows its generation, keeps what it is sent, fails
/// on demand in every way a service can fail in-process.
@NanoService
final class Worker {
    private let name: String
    private let generation: Int
    private let journal: RestartJournal
    private var items: [Int] = []

    init(_ name: String, journal: RestartJournal) {
        self.name = name
        self.journal = journal
        generation = journal.nextGeneration(of: name)
        journal.record("start \(name)#\(generation)")
    }

    deinit { journal.record("release \(name)#\(generation)") }

    public func append(_ item: Int) { items.append(item) }
    public func contents() -> [Int] { items }
    public func currentGeneration() -> Int { generation }

    /// A `@Cast` method that throws: a failure of a supervised service.
    @Cast public func crash(_ reason: String) throws { throw WorkerCrash(reason: reason) }

    /// Waits at `gate`, then throws: the messages sent meanwhile are queued at the failure.
    @Cast public func crash(after gate: Gate) throws {
        gate.wait()
        throw WorkerCrash(reason: "after gate")
    }

    /// A call that declares its instance broken: the caller gets `restarted`.
    public func breakDown() throws -> Int { throw ServiceFailure("state corrupted") }

    /// A call that fails with its own error: no failure of the service.
    public func refuse() throws -> Int { throw WorkerCrash(reason: "refused") }

    /// A cast that reports a failure without throwing.
    public func reportFailure() { CurrentService.fail(WorkerCrash(reason: "reported")) }

    /// A call that reports a failure and still answers: the message completes.
    public func reportFailureAndAnswer() -> Int {
        CurrentService.fail(WorkerCrash(reason: "reported in a call"))
        return generation
    }
}

/// Records the name of the thread its instances are released on.
@NanoService
final class ReleaseThreadProbe {
    private let releasedOn: Protected<[String]>

    init(releasedOn: Protected<[String]>) { self.releasedOn = releasedOn }

    deinit {
        let thread = ThreadInfo.currentName
        releasedOn.withLock { $0.append(thread) }
    }

    /// Declares the instance broken: a supervisor replaces it.
    public func breakDown() throws -> Int { throw ServiceFailure("broken") }
    public func ping() -> Int { 1 }
}

/// Polls `condition` between yields until it holds. For states a test cannot be told about
/// (a mailbox depth); the condition is the assertion, no time is assumed.
func eventually(_ condition: () -> Bool) async {
    while !condition() { try? await Task.sleep(for: .milliseconds(1)) }
}
