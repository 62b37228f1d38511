import Foundation
import NanoServices
import Synchronization

/// A one-shot latch an async method can wait on and a test (any thread) can open.
final class AsyncGate: Sendable {
    private let state = Protected<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    var waiting: Int { state.withLock { $0.waiters.count } }

    var isOpen: Bool { state.withLock { $0.open } }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// An external async API: answers from another thread after a short while.
func externalLookup(_ id: Int) async -> String {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(2)) {
            continuation.resume(returning: "row-\(id)")
        }
    }
}

/// Observations an async service method makes about where it runs.
struct Placement: Sendable, Equatable {
    let before: String
    let afterSleep: String
    let afterLookup: String
    let sameThread: Bool
}

@NanoService
final class Ledger2 {
    private var balance = 0
    private var inside = 0
    private var maxInside = 0
    private var entries: [String] = []

    init() {}

    public func placement(_ id: Int) async throws -> Placement {
        let before = ThreadInfo.currentName
        let thread = ThreadInfo.currentID
        try await Task.sleep(for: .milliseconds(1))
        let afterSleep = ThreadInfo.currentName
        let row = await externalLookup(id)
        precondition(row == "row-\(id)")
        return Placement(
            before: before, afterSleep: afterSleep, afterLookup: ThreadInfo.currentName,
            sameThread: thread == ThreadInfo.currentID)
    }

    /// Two `async let` children that name the current service before and after a suspension.
    /// They inherit the method's task executor preference, so their code runs on the service's
    /// executor (its thread, or its pool's). (Children cannot capture `self`: Swift 6 rejects
    /// sending the instance into them.)
    public func childServices() async -> [String?] {
        async let first = Self.childProbe()
        async let second = Self.childProbe()
        return await first + second
    }

    /// Not public: no message, only called by `childServices()`'s children.
    static func childProbe() async -> [String?] {
        let before = CurrentService.name
        await Task.yield()
        return [before, CurrentService.name]
    }

    /// Reads the balance, suspends, then writes: correct only without interleaving.
    public func deposit(_ amount: Int) async -> Int {
        inside += 1
        maxInside = max(maxInside, inside)
        let read = balance
        try? await Task.sleep(for: .milliseconds(1))
        balance = read + amount
        inside -= 1
        return balance
    }

    /// Holds the service until `gate` opens. An `async` cast: the sender does not wait.
    @Cast public func hold(_ gate: AsyncGate) async {
        await gate.wait()
        entries.append("held")
    }

    /// May interleave: waits for `gate` while others run.
    @Reentrant public func waitReentrantly(for gate: AsyncGate) async -> String {
        inside += 1
        maxInside = max(maxInside, inside)
        await gate.wait()
        inside -= 1
        return "waited"
    }

    @Reentrant public func openReentrantly(_ gate: AsyncGate) async -> Int {
        gate.open()
        return inside
    }

    /// Opens `started`, sleeps long, and records whether it saw cancellation.
    public func sleepLong(started: AsyncGate) async -> String {
        started.open()
        do {
            try await Task.sleep(for: .seconds(600))
            entries.append("slept")
            return "slept"
        } catch {
            entries.append("cancelled")
            return Task.isCancelled ? "cancelled" : "other"
        }
    }

    /// Takes non-Sendable values by move into an async method.
    public func adopt(_ documents: sending [Document]) async -> [String] {
        await Task.yield()
        for document in documents { document.edits += 1 }
        return documents.map { "\($0.title):\($0.edits)" }
    }

    public func record(_ entry: String) { entries.append(entry) }

    /// Awaits its own service's stop or join from inside (after a suspension): `deadlock`,
    /// never a hang (the stop is still requested).
    public func stopSelf(_ me: Ledger2.Service, join: Bool) async -> String {
        await Task.yield()
        do {
            if join { try await me.control.join() } else { try await me.control.stop() }
            return "ok"
        } catch let error as ServiceError {
            return "\(error.code)"
        } catch {
            return "other"
        }
    }

    /// A synchronous method that moves a value in: its blocking call has no direct path, so on
    /// an idle pooled service it runs inline as a message (`handleInline`).
    public func logTaking(_ documents: sending [Document]) -> [String] { entries }
    public func log() -> [String] { entries }
    public func balanceNow() -> Int { balance }
    public func mostInsideAtOnce() -> Int { maxInside }
}

/// The same read–await–write, on a plain actor.
actor ActorLedger {
    private var balance = 0
    private var inside = 0
    private(set) var maxInside = 0

    func deposit(_ amount: Int) async -> Int {
        inside += 1
        maxInside = max(maxInside, inside)
        let read = balance
        try? await Task.sleep(for: .milliseconds(1))
        balance = read + amount
        inside -= 1
        return balance
    }

    func balanceNow() -> Int { balance }
}

/// Async relays in a ring: A awaits B while B awaits A.
@NanoService
final class AsyncRelay {
    private let label: String
    private var peer: AsyncRelay.Service?

    init(label: String) { self.label = label }

    @Call public func connect(to peer: AsyncRelay.Service?) { self.peer = peer }

    public func relay(hops: Int) async throws -> String {
        guard hops > 0, let peer else { return label }
        return label + ">" + (try await peer.relay(hops: hops - 1))
    }
}

struct SaveFailed: Error, Equatable {
    let n: Int
}

/// An `async` `@Cast` method that throws after a suspension.
@NanoService
final class LateSaver {
    private var attempts = 0

    init() {}

    @Cast public func saveLater(_ n: Int) async throws {
        await Task.yield()
        attempts += 1
        throw SaveFailed(n: n)
    }

    public func attemptsSoFar() -> Int { attempts }
}
