/// One service's place in a ``ServiceList``: its neighbours (16 bytes; whether it is listed
/// at all is told by the list, see ``ServiceList/contains(_:)``). Guarded by the list owner's
/// lock.
@usableFromInline
struct ServiceLinks {
    var previous: Unmanaged<_ServiceContext>?
    var next: Unmanaged<_ServiceContext>?

    @usableFromInline init() {}
}

/// A set of services threaded through the services themselves (an intrusive doubly linked
/// list): inserting and removing cost no allocation and no hashing. The registry's live
/// services are kept this way: with a million services, a dictionary would cost a million
/// entries, its resizes, and a hash per spawn and per end. (A pool finds its services through
/// the registry when it shuts down, its one use for them: a second list would cost every
/// pooled service 16 bytes.)
///
/// Holds its services unretained: the owner decides (the registry retains them itself).
/// Not thread-safe: kept behind its owner's lock, which also guards every service's links
/// for this list.
struct ServiceList {
    private(set) var count = 0
    private var head: Unmanaged<_ServiceContext>?

    init() {}

    var isEmpty: Bool { count == 0 }

    /// Adds `service`; returns `false` (and changes nothing) if it is listed already. O(1).
    @discardableResult
    mutating func insert(_ service: _ServiceContext) -> Bool {
        if contains(service) { return false }
        let node = Unmanaged.passUnretained(service)
        let oldHead = head
        links(of: service) { links in
            links = ServiceLinks()
            links.next = oldHead
        }
        if let oldHead { links(of: oldHead.takeUnretainedValue()) { $0.previous = node } }
        head = node
        count += 1
        return true
    }

    /// Removes `service`; returns `false` (and changes nothing) if it is not listed. O(1).
    @discardableResult
    mutating func remove(_ service: _ServiceContext) -> Bool {
        guard contains(service) else { return false }
        let (previous, next) = links(of: service) { links in
            defer { links = ServiceLinks() }
            return (links.previous, links.next)
        }
        if let previous {
            links(of: previous.takeUnretainedValue()) { $0.next = next }
        } else {
            head = next
        }
        if let next { links(of: next.takeUnretainedValue()) { $0.previous = previous } }
        count -= 1
        return true
    }

    /// Whether `service` is in this list: it has a predecessor, or it is the head (a service
    /// is in one list at most: the registry's). O(1).
    func contains(_ service: _ServiceContext) -> Bool {
        links(of: service, { $0.previous != nil }) || head?.toOpaque() == Unmanaged.passUnretained(service).toOpaque()
    }

    /// Every listed service, strongly referenced: take it under the owner's lock, so that no
    /// service can end and be freed between the lock and the retain.
    var all: [_ServiceContext] {
        var services: [_ServiceContext] = []
        services.reserveCapacity(count)
        var node = head
        while let current = node?.takeUnretainedValue() {
            services.append(current)
            node = links(of: current, { $0.next })
        }
        return services
    }

    private func links<Result>(of service: _ServiceContext, _ body: (inout ServiceLinks) -> Result) -> Result {
        body(&service.registryLinks)
    }
}
