import CNanoServicesShims
import Synchronization

/// Deadlock detection for blocking calls between services.
///
/// Each service records, under its own small lock, which service its thread is blocked on
/// (at most one: a thread waits for one answer at a time). Before a service thread blocks on
/// a call to `target`, it publishes the edge and then follows `target`'s edges; reaching
/// itself means every service on the path waits for the next one and none can ever answer,
/// so the call fails at once with ``ServiceError/Code/deadlock`` naming the cycle.
///
/// Publishing before looking makes concurrent cycle-closing calls safe (each node's lock
/// orders the two publications): at least one of them sees the cycle, so nothing hangs.
///
/// Cost on the call path: callers that are not service threads pay one thread-local read.
/// Service threads pay two uncontended lock round trips on their own word (publish, clear)
/// and one on the target's (usually idle: no further walk).
extension _ServiceContext {
    /// The service whose thread runs the calling code, if any. One thread-local read.
    @inlinable
    static var current: _ServiceContext? {
        guard let raw = nano_current_service() else { return nil }
        return Unmanaged<_ServiceContext>.fromOpaque(raw).takeUnretainedValue()
    }

    /// Which service this service's thread is blocked on, if any (a strong reference).
    final func blockedOn() -> _ServiceContext? {
        waitTarget.withLock { $0 }
    }

    /// Records that this service's thread is about to block on a call to `target`, unless that
    /// would close a cycle of waiting services. Runs on this service's own thread.
    /// `method` is the call's method, or "join" with `joining` for a join.
    @usableFromInline
    final func beginWaiting(on target: _ServiceContext, method: StaticString, joining: Bool = false) throws(ServiceError) {
        waitTarget.withLock { $0 = target }
        var node = target.blockedOn()
        var hops = 0
        while let current = node, hops < 100_000 {
            if current === self {
                let cycle = cycleNames(through: target)
                endWaiting()
                let waits = joining
                    ? "joining service '\(target.name)' from service '\(name)' would wait forever"
                    : "call '\(method)' from service '\(name)' would never be answered"
                throw ServiceError(
                    .deadlock, service: target,
                    message: "\(waits): \(cycle.joined(separator: " → ")) are waiting on each other",
                    cycle: cycle)
            }
            node = current.blockedOn()
            hops += 1
        }
    }

    /// This service's thread is no longer blocked.
    @usableFromInline
    final func endWaiting() {
        waitTarget.withLock { $0 = nil }
    }

    /// The names along the wait edges from this service through `target` back to this one.
    private func cycleNames(through target: _ServiceContext) -> [String] {
        var names = [name]
        var node: _ServiceContext? = target
        while let current = node, names.count <= 1_000 {
            names.append(current.name)
            if current === self { break }
            node = current.blockedOn()
        }
        return names
    }
}

/// Remembers which call sites were already reported for blocking inside a Swift concurrency
/// task, so each is reported once in the process, whichever service it calls.
enum BlockingCallSites {
    // Sound: `Locked` guards its value.
    private static let reported = Locked<Set<UInt64>>([])

    /// Returns `true` the first time it sees the calling site. Slow: walks the stack. Where the
    /// stack walk comes back too shallow to tell sites apart (seen under the Thread Sanitizer),
    /// falls back to once per site and `service`; the per-service counts count every wait.
    static func isFirstReport(service: _ServiceContext) -> Bool {
        var key = nano_call_site_key()
        if key == 0 { key = service.identity | (1 << 63) }
        return reported.withLock { $0.insert(key).inserted }
    }
}
