import Logging
import Synchronization

/// What a service counts and logs about messages that went wrong: dropped casts, casts
/// accepted over capacity, blocking waits from tasks. Any thread unless noted.
extension _ServiceContext {
    /// Why a cast was not handled.
    @usableFromInline
    enum DropReason {
        case stopped, mailboxFull, evicted, restarted
    }

    /// Counts and logs a cast that will never be handled. After a stop, the first drop is a
    /// warning and later ones are debug records, so a flood does not flood the log; a full
    /// mailbox logs at warning with the `.fail` policy and at debug when shedding load.
    @usableFromInline
    final func noteDroppedCast(_ method: StaticString, reason: DropReason = .stopped) {
        let previous = droppedCastCount.wrappingAdd(1, ordering: .relaxed).oldValue
        statistics.metrics?.castsDropped.increment()
        let (level, message): (Logger.Level, Logger.Message) = switch reason {
        case .stopped where previous == 0:
            (.warning, "service is stopped: dropping cast (later drops are logged at debug level and counted in droppedCasts)")
        case .stopped: (.debug, "service is stopped: dropping cast")
        case .mailboxFull where whenFull == .fail: (.warning, "mailbox is full: dropping cast")
        case .restarted: (.warning, "service restarted: dropping queued cast")
        case .mailboxFull, .evicted: (.debug, "mailbox is full: dropping cast")
        }
        // Shedding load drops casts by the thousand: do not build the logger for nothing.
        guard logsAt(level) else { return }
        logger.log(level: level, message, metadata: ["method": "\(method)", "dropped": "\(previous + 1)"])
    }

    /// Logs a cast accepted beyond a `.block` mailbox's capacity because waiting for room would
    /// never have ended — a deadlock, or every cooperative thread blocked (`warning`, with the
    /// reason). The cast is then handled like any other.
    @usableFromInline
    final func noteAcceptedOverCapacity(_ method: StaticString, error: ServiceError) {
        var metadata: Logger.Metadata = ["method": "\(method)"]
        if !error.cycle.isEmpty { metadata["cycle"] = "\(error.cycle.joined(separator: " → "))" }
        metadata["reason"] = "\(error.message)"
        logger.warning("mailbox is full, and waiting for room would never end: cast accepted over capacity", metadata: metadata)
    }

    /// Counts a blocking wait on this service made from inside a Swift concurrency task (in
    /// ``ServiceSnapshot/blockingWaitsFromTasks``) and reports it at `warning` once per call
    /// site in the process, saying what it blocks and what to do instead. Calling thread;
    /// slow path (a stack walk the first time a site is seen, a lock round trip).
    ///
    /// - Parameter isCast: a cast waiting for room in a full `.block` mailbox, which cannot
    ///   be awaited: the advice differs.
    @usableFromInline
    final func reportBlockingWaitFromTask(_ method: StaticString, blocked: BlockedThread, isCast: Bool) {
        let count = blockingWaitsFromTasks.add(1, ordering: .relaxed).newValue
        guard BlockingCallSites.isFirstReport(service: self) else { return }
        let metadata: Logger.Metadata = ["method": "\(method)", "blockingWaitsFromTasks": "\(count)"]
        if isCast {
            logger.warning(
                "cast '\(method)' made from inside a Swift concurrency task waits for room in the full mailbox of service '\(name)', blocking \(blocked.blockedDescription); a cast cannot be awaited: make the method '@Call' and 'try await' it for backpressure, or bound the pipeline with a policy that does not wait ('.fail', '.dropNewest', '.dropOldest'). Reported once per call site; every such wait is counted in the service's snapshot (blockingWaitsFromTasks)",
                metadata: metadata)
        } else {
            logger.warning(
                "blocking call '\(method)' to service '\(name)' made from inside a Swift concurrency task blocks \(blocked.blockedDescription); use 'try await' to suspend instead. Reported once per call site; every such call is counted in the service's snapshot (blockingWaitsFromTasks)",
                metadata: metadata)
        }
    }
}
