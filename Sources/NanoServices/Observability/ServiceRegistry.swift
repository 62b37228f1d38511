import Synchronization

/// Every service of the process that has been spawned and whose thread has not ended yet.
///
/// ```swift
/// for service in ServiceRegistry.snapshot() { logger.info("\(service)") }
/// ```
///
/// A service is registered when it is spawned and leaves when its thread ends, so the
/// registry never keeps a stopped service alive and never grows without bound.
/// Thread safety: any thread. Cost: one lock round trip per spawn and per thread end (a few
/// pointer writes: see ``ServiceList``); nothing per message.
public enum ServiceRegistry {
    /// The live services, each retained by the registry while listed.
    private static let live = Locked(ServiceList())

    /// A snapshot of every live service, sorted by name. Takes a lock briefly, then reads
    /// each service's counters without stopping it.
    public static func snapshot() -> [ServiceSnapshot] {
        let services = live.withLock { $0.all }
        return services.map { $0.snapshot() }.sorted { $0.name < $1.name }
    }

    /// The live services placed on `pool`, each retained (taken under the lock, so that none
    /// can end and be freed in between). Cold: a pool's shutdown. O(live services).
    static func services(on pool: ServicePool) -> [_ServiceContext] {
        live.withLock { $0.all }.filter { $0.pool === pool }
    }

    /// How many services are live.
    public static var count: Int { live.withLock { $0.count } }

    @usableFromInline
    static func register(_ service: _ServiceContext) {
        let added = live.withLock { $0.insert(service) }
        if added { _ = Unmanaged.passRetained(service) }  // released in `unregister`
    }

    static func unregister(_ service: _ServiceContext) {
        let removed = live.withLock { $0.remove(service) }
        // Released outside the lock: this may free the service.
        if removed { Unmanaged.passUnretained(service).release() }
    }
}
