import Foundation
import NanoServices

/// What the services of a test did, in order.
final class Record: @unchecked Sendable {
    // `entries` is guarded by `lock`.
    private let lock = NSLock()
    private var entries: [String] = []
    func add(_ entry: String) { lock.withLock { entries.append(entry) } }
    var all: [String] { lock.withLock { entries } }
}

/// A gate a method waits at until the test opens it.
final class Gate: @unchecked Sendable {
    // `arrived` is guarded by `lock`.
    private let lock = NSLock()
    private var arrived = false
    private let semaphore = DispatchSemaphore(value: 0)
    var hasArrival: Bool { lock.withLock { arrived } }
    func open() { semaphore.signal() }
    func wait() {
        lock.withLock { arrived = true }
        semaphore.wait()
    }
}

/// Counts what it is sent; records its release with the count, so a test sees it drained.
@NanoService
final class Tally {
    private let name: String
    private let record: Record
    private var count = 0

    init(_ name: String, record: Record) {
        self.name = name
        self.record = record
    }

    deinit { record.add("\(name) released after \(count)") }

    public func add() { count += 1 }
    public func total() -> Int { count }
    public func hold(_ gate: Gate) { gate.wait() }
    @Cast public func crash() throws { throw CancellationError() }
}

func eventually(_ condition: () -> Bool) async {
    while !condition() { try? await Task.sleep(for: .milliseconds(1)) }
}
