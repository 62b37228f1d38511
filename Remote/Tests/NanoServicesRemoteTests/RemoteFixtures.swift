import Dispatch
import Foundation
import NanoServices
import Synchronization

/// The error `Ledger.withdraw` throws: crosses as a user error with its type name, or as
/// itself to a client that lists it in `errorTypes` (it is `Codable`).
struct Overdrawn: Error, Codable, Equatable, CustomStringConvertible {
    let missing: Int
    var description: String { "overdrawn by \(missing)" }
}

/// Gates a test opens by name, so that a remote call can be held on the host until the test
/// has seen what it waits for (a timeout, a shutdown in progress) — no sleeping.
enum Gates {
    private static let gates = Mutex<[String: DispatchSemaphore]>([:])

    static func gate(_ name: String) -> DispatchSemaphore {
        gates.withLock { gates in
            if let gate = gates[name] { return gate }
            let gate = DispatchSemaphore(value: 0)
            gates[name] = gate
            return gate
        }
    }

    static func open(_ name: String) { gate(name).signal() }

    /// Suspends until the gate `name` has been opened (waits on a thread of its own).
    static func waitUntilOpened(_ name: String) async {
        let gate = gate(name)
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                gate.wait()
                continuation.resume()
            }
        }
    }
}

/// Code written once against this protocol takes the local and the remote handle alike.
@ServiceInterface
protocol Balances: Sendable {
    func balance() async throws -> Int
    func record(_ amount: Int)
}

/// The service the remote tests serve.
@NanoService(Balances.self) @RemoteService
final class Ledger {
    private var entries: [Int] = []

    init() {}

    /// A cast: recorded in order.
    public func record(_ amount: Int) { entries.append(amount) }

    public func entriesSoFar() -> [Int] { entries }

    public func balance() -> Int { entries.reduce(0, +) }

    public func withdraw(_ amount: Int, note: String = "") throws -> Int {
        let balance = balance()
        guard amount <= balance else { throw Overdrawn(missing: amount - balance) }
        entries.append(-amount)
        return balance - amount
    }

    @Call public func reset() { entries = [] }

    /// Blocks the service's thread until the test opens the gate `name`.
    public func hold(_ name: String) -> String {
        Gates.open("\(name)-entered")
        Gates.gate(name).wait()
        return name
    }

    /// Not remote: a closure cannot cross a process.
    @LocalOnly public func inspect(_ body: @escaping @Sendable ([Int]) -> Void) { body(entries) }
}

/// A later version of `Ledger` as a client may have been built with: `entriesSoFar()` returns
/// another type and `audit()` is new.
@NanoService @RemoteService
final class LedgerV2 {
    init() {}
    public func entriesSoFar() -> [String] { [] }
    public func audit() -> Bool { true }
    /// A cast declared differently from `Ledger.record(_: Int)`.
    public func record(_ amount: String) {}
    /// A cast the host's `Ledger` does not have.
    public func stamp(_ mark: Int) {}
}
