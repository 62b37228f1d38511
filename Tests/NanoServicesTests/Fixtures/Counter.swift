import Foundation
import NanoServices
import Synchronization

struct ResetRefused: Error, Equatable {
    let total: Int
}

/// The seed's test worker: counts, records which thread it runs on, fails on demand.
@NanoService
final class Counter {
    /// How many Counter instances were ever initialised (across all tests, per start value).
    static let initializations = Protected<[Int: Int]>([:])

    private var total: Int
    private var threadIDs: Set<UInt> = []
    private var log: [String] = []

    init(start: Int) {
        total = start
        Self.initializations.withLock { $0[start, default: 0] += 1 }
        threadIDs.insert(ThreadInfo.currentID)
    }

    public func increment() {
        total += 1
        threadIDs.insert(ThreadInfo.currentID)
    }

    public func add(_ amount: Int) {
        total += amount
        threadIDs.insert(ThreadInfo.currentID)
    }

    public func add(_ amount: Int, times: Int) {
        total += amount * times
    }

    public func current() -> Int {
        threadIDs.insert(ThreadInfo.currentID)
        return total
    }

    public func plus(_ amount: Int) -> Int {
        total + amount
    }

    public func checkedReset(allowed: Bool) throws -> Int {
        guard allowed else { throw ResetRefused(total: total) }
        defer { total = 0 }
        return total
    }

    @Cast public func failLater(_ reason: String) throws {
        log.append("failLater(\(reason))")
        throw ResetRefused(total: total)
    }

    @Call public func record(_ entry: String) {
        log.append(entry)
    }

    public func entries() -> [String] { log }

    /// Every thread the instance was touched on, including its initializer's.
    public func threadsSeen() -> Set<UInt> { threadIDs }

    public func threadName() -> String { ThreadInfo.currentName }

    public func sleep(milliseconds: Int) -> Int {
        usleepMilliseconds(milliseconds)
        return total
    }

    func notForwarded() -> Int { total } // internal: not part of the interface
}

func usleepMilliseconds(_ milliseconds: Int) {
    Thread.sleep(forTimeInterval: Double(milliseconds) / 1_000)
}
