import CNanoServicesShims
import Synchronization

/// Deadlock detection for blocking calls between services.
///
/// Each service records in its ``WaitEdge`` which service its thread is blocked on
/// (at most one: a thread waits for one answer at a time). Before a service thread blocks on
/// a call to `target`, it publishes the edge and then follows `target`'s edges; reaching
/// itself means every service on the path waits for the next one and none can ever answer,
/// so the call fails at once with ``ServiceError/Code/deadlock`` naming the cycle.
///
/// Publishing before looking makes concurrent cycle-closing calls safe (the published bits are
/// sequentially consistent, the edges behind each node's lock): at least one of them sees the
/// cycle, so nothing hangs.
///
/// Cost on the call path: callers that are not service threads pay one thread-local read.
/// Service threads pay one compare-and-swap each to publish and clear their own ``WaitEdge``
/// and one load of the target's; only a target that waits itself is walked, under the edges'
/// locks. (Before, the look at the target took its lock and retained it: the service-to-service
/// call cost 11–17% more than a call from a thread, against a 10% target.)
extension _ServiceContext {
    /// The service whose thread runs the calling code, if any. One thread-local read.
    @inlinable
    static var current: _ServiceContext? {
        guard let raw = nano_current_service() else { return nil }
        return Unmanaged<_ServiceContext>.fromOpaque(raw).takeUnretainedValue()
    }

    /// Which service this service's thread is blocked on, if any (a strong reference).
    final func blockedOn() -> _ServiceContext? {
        waitEdge.target()
    }

    /// Records that this service's thread is about to block on a call to `target`, unless that
    /// would close a cycle of waiting services. Runs on this service's own thread.
    /// `method` is the call's method, or "join" with `joining` for a join. The caller keeps
    /// `target` alive until ``endWaiting()`` (a method of the target, or of a handle to it).
    @usableFromInline
    final func beginWaiting(on target: _ServiceContext, method: StaticString, joining: Bool = false) throws(ServiceError) {
        waitEdge.publish(target)
        // Nearly always: the target waits on nothing, seen without its lock (see WaitEdge).
        guard target.waitEdge.isPublished else { return }
        // The services walked, kept so that the error names the cycle as it was seen: once
        // this call fails, the others on it may move on and clear their edges.
        var path: [_ServiceContext] = [target]
        var node = target.blockedOn()
        while let current = node, path.count <= 100_000 {
            if current === self {
                endWaiting()
                let cycle = ([self] + path + [self]).map(\.name)
                let waits = joining
                    ? "joining service '\(target.name)' from service '\(name)' would wait forever"
                    : "call '\(method)' from service '\(name)' would never be answered"
                throw ServiceError(
                    .deadlock, service: target,
                    message: "\(waits): \(cycle.joined(separator: " → ")) are waiting on each other",
                    cycle: cycle)
            }
            path.append(current)
            node = current.blockedOn()
        }
    }

    /// This service's thread is no longer blocked.
    @usableFromInline
    final func endWaiting() {
        waitEdge.clear()
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
