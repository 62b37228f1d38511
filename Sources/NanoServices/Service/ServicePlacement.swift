/// Where a service's methods run: on a thread of its own (the default), or on the threads of
/// a ``ServicePool`` shared with other services.
///
/// ```swift
/// // 50,000 sessions on one thread per core:
/// let session = try Session.Service(user: id, options: .init(placement: .sharedPool))
/// ```
///
/// Both keep the same guarantees (one method at a time, in order, no reentrancy, the same
/// errors); see ``ServicePool`` for what differs.
public enum ServicePlacement: Sendable, CustomStringConvertible {
    /// A dedicated OS thread, named after the service, with ``ServiceOptions/stackSize``.
    /// The lowest latency, and the right choice for a service that blocks.
    case ownThread
    /// The threads of `pool`: no thread per service, about 1.5 KiB per idle service.
    case pool(ServicePool)

    /// The process-wide ``ServicePool/shared`` pool (one thread per core).
    public static var sharedPool: ServicePlacement { .pool(.shared) }

    public var description: String {
        switch self {
        case .ownThread: "own thread"
        case .pool(let pool): "pool \(pool.name)"
        }
    }

    @usableFromInline var pool: ServicePool? {
        if case .pool(let pool) = self { return pool }
        return nil
    }
}
