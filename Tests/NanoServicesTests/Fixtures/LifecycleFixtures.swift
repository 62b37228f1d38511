import Foundation
import NanoServices
import Synchronization

struct OpenFailed: Error, Equatable {
    let path: String
}

/// Services whose initializers fail in the two ways an initializer can.
@NanoService
final class Journal {
    private var lines: [String] = []

    init(path: String) throws {
        guard !path.isEmpty else { throw OpenFailed(path: path) }
    }

    init?(bytes: Int) {
        guard bytes > 0 else { return nil }
    }

    public func append(_ line: String) { lines.append(line) }
    public func count() -> Int { lines.count }
}

/// Records whether its instance was released, and on which thread.
final class ReleaseProbe: Sendable {
    let released = Protected<String?>(nil)
    let holding = Atomic<Bool>(false)
}

@NanoService
final class Tracked {
    private let probe: ReleaseProbe
    private var handled = 0

    init(probe: ReleaseProbe) { self.probe = probe }
    deinit { probe.released.withLock { $0 = ThreadInfo.currentName } }

    public func touch() { handled += 1 }
    public func handledCount() -> Int { handled }
    /// Blocks the service until `gate` is signalled.
    public func hold(until gate: DispatchSemaphore) -> Int {
        probe.holding.store(true, ordering: .releasing)
        gate.wait()
        handled += 1
        return handled
    }

    public func slow(milliseconds: Int) -> Int {
        usleepMilliseconds(milliseconds)
        handled += 1
        return handled
    }
}

/// A service that misuses its own handle: waiting on itself.
@NanoService
final class SelfWaiter {
    private var me: SelfWaiter.Service?
    private var bumps = 0

    init() {}

    public func remember(_ handle: SelfWaiter.Service) { me = handle }
    public func forget() { me = nil }
    public func value() -> Int { bumps }

    /// A call to itself: must fail with `deadlock`, not hang.
    public func callSelf() -> String {
        do {
            _ = try me!.value()
            return "answered"
        } catch let error as ServiceError {
            return "\(error.code)"
        } catch {
            return "other"
        }
    }

    /// Stop-and-wait from inside: must fail with `deadlock` (the stop is still requested).
    public func stopSelfAndWait() -> String {
        do {
            try me!.control.stop()
            return "stopped"
        } catch let error as ServiceError {
            return "\(error.code)"
        } catch {
            return "other"
        }
    }

    /// Join from inside: must fail with `deadlock` (and change nothing).
    public func joinSelf() -> String {
        do {
            try me!.control.join()
            return "joined"
        } catch let error as ServiceError {
            return "\(error.code)"
        } catch {
            return "other"
        }
    }

    /// Asking for its own stop without waiting is fine: the service ends after this method.
    public func stopSelfLater() { me!.control.requestStop() }

    /// A cast to itself is fine.
    public func castSelf() { me!.bump() }
    public func bump() { bumps += 1 }
}

/// A struct service: the service owns the only copy; `mutating` methods change it in place.
@NanoService
struct WordTally {
    private var counts: [String: Int] = [:]

    init() {}

    public mutating func count(_ word: String) { counts[word, default: 0] += 1 }
    public func total(of word: String) -> Int { counts[word, default: 0] }
}

/// An initializer that blocks until its gate opens: a non-throwing initializer is not waited
/// for, so spawning returns while it still waits.
@NanoService
final class SlowStart {
    private let initialized: Bool

    init(gate: DispatchSemaphore) {
        gate.wait()
        initialized = true
    }

    /// Whether the initializer had finished when this message was handled (always, since
    /// an initializer runs before any message).
    public func isInitialized() -> Bool { initialized }
}
