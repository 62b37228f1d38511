import Dispatch
import NanoServices

// The contenders of the idle-workload cases (issue 12): many services, each idle most of the
// time, in request/reply, chains and nested calls. Every peer does the same work per message:
// one `Int` of state updated, one answer or one forward.

/// An account: answers every deposit with the new balance.
@NanoService
final class NanoAccount {
    private var balance = 0

    init() {}

    public func deposit(_ amount: Int) -> Int {
        balance &+= amount
        return balance
    }
}

/// An account whose deposit first asks a partner account (a nested call: service → service).
@NanoService
final class NanoForwardingAccount {
    private let partner: NanoAccount.Service
    private var balance = 0

    init(partner: NanoAccount.Service) { self.partner = partner }

    public func deposit(_ amount: Int) throws -> Int {
        balance &+= try partner.deposit(amount)
        return balance
    }
}

/// A link of a chain: casts the token on to the next link; the last one signals `arrived`.
@NanoService
final class NanoRelay {
    private let next: NanoRelay.Service?
    private let arrived: DispatchSemaphore
    private var seen = 0

    init(next: NanoRelay.Service?, arrived: DispatchSemaphore) {
        self.next = next
        self.arrived = arrived
    }

    public func pass(_ token: Int) {
        seen &+= 1
        if let next { next.pass(token &+ 1) } else { arrived.signal() }
    }
}

actor AccountActor {
    private var balance = 0

    func deposit(_ amount: Int) -> Int {
        balance &+= amount
        return balance
    }
}

actor ForwardingAccountActor {
    private let partner: AccountActor
    private var balance = 0

    init(partner: AccountActor) { self.partner = partner }

    func deposit(_ amount: Int) async -> Int {
        balance &+= await partner.deposit(amount)
        return balance
    }
}

/// A chain link as an actor: forwards with a new unstructured task (a fire-and-forget message,
/// as a cast is); the last link signals `arrived`.
actor RelayActor {
    private let next: RelayActor?
    private let arrived: DispatchSemaphore
    private var seen = 0

    init(next: RelayActor?, arrived: DispatchSemaphore) {
        self.next = next
        self.arrived = arrived
    }

    func pass(_ token: Int) {
        seen &+= 1
        if let next { Task { await next.pass(token &+ 1) } } else { arrived.signal() }
    }
}

/// The Dispatch contenders: state confined to a serial queue.
///
/// Thread safety: `balance` and `seen` are only touched inside blocks on `queue`.
final class DispatchAccount: @unchecked Sendable {
    let queue = DispatchQueue(label: "bench.idle-account")
    private let partner: DispatchAccount?
    private let next: DispatchAccount?
    private let arrived: DispatchSemaphore?
    private var balance = 0 // confined to `queue`
    private var seen = 0 // confined to `queue`

    init(partner: DispatchAccount? = nil, next: DispatchAccount? = nil, arrived: DispatchSemaphore? = nil) {
        self.partner = partner
        self.next = next
        self.arrived = arrived
    }

    /// `sync`: the block runs on the caller's thread; a nested `sync` to the partner too.
    func deposit(_ amount: Int) -> Int {
        queue.sync {
            balance &+= partner?.deposit(amount) ?? amount
            return balance
        }
    }

    /// `async` on to the next link.
    func pass(_ token: Int) {
        queue.async {
            self.seen &+= 1
            if let next = self.next { next.pass(token &+ 1) } else { self.arrived?.signal() }
        }
    }
}

/// A cheap deterministic sequence of service indices (the same for every peer).
struct IndexSequence {
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    let count: Int

    init(count: Int) { self.count = count }

    mutating func next() -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(count))
    }
}

/// Times `ops` calls from the calling thread, each to the service at an index from
/// ``IndexSequence`` (the same indices for every peer).
func timeCallsToRandomServices(_ ops: Int, among count: Int, _ call: (Int) throws -> Void) rethrows -> UInt64 {
    var indices = IndexSequence(count: count)
    return try MonotonicClock.measure {
        for _ in 0..<ops { try call(indices.next()) }
    }
}

/// Times `ops` awaited calls from one task, each to the service at an index from
/// ``IndexSequence``, from a blocking caller.
func timeAwaitedCallsToRandomServices(
    _ ops: Int, among count: Int, _ call: @escaping @Sendable (Int) async throws -> Void
) throws -> UInt64 {
    try blockingAwait {
        var indices = IndexSequence(count: count)
        return try await MonotonicClock.measure {
            for _ in 0..<ops { try await call(indices.next()) }
        }
    }
}
