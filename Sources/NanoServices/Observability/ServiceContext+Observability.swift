import CNanoServicesShims
import Logging

/// Introspection and failure reporting shared by every service, whatever its message type.
extension _ServiceContext {
    /// A snapshot of this service's state and counters. Any thread; see ``ServiceSnapshot``.
    final func snapshot() -> ServiceSnapshot {
        let thread = statistics.threadID
        let byMethod = statistics.handledByMethod
        return ServiceSnapshot(
            name: name,
            typeName: typeName,
            threadID: thread == 0 ? nil : thread,
            threadName: threadName,
            state: state,
            mailboxDepth: state == .stopped ? 0 : running.queuedMessageCount,
            messagesHandled: byMethod.values.reduce(0, +),
            castsDropped: droppedCasts,
            callsFailed: statistics.callsFailed,
            busyTime: .nanoseconds(Int64(truncatingIfNeeded: statistics.busyNanoseconds)),
            handledByMethod: byMethod,
            blockingWaitsFromTasks: blockingWaitsFromTasks.load(ordering: .relaxed),
            timerTicksHandled: timerCounters.handled.load(ordering: .relaxed),
            timerTicksCoalesced: timerCounters.coalesced.load(ordering: .relaxed),
            timerTicksSkipped: timerCounters.skipped.load(ordering: .relaxed),
            restarts: supervision?.restarts.load(ordering: .relaxed) ?? 0)
    }

    /// Publishes how many taken messages wait in the service thread's hands, and records the
    /// depth gauge when metrics are on. Service thread; per batch.
    @usableFromInline
    final func noteInHand(_ count: Int) {
        if countsMessages { statistics.setInHand(count) }
        if let metrics = statistics.metrics { metrics.mailboxDepth.record(count) }
    }

    /// Logs, at debug level, that the service thread has seen a stop request (so the record
    /// always comes before "service stopped"). Service thread; once per mode.
    @usableFromInline
    final func noteStopSeen(_ mode: StopMode?) {
        guard let mode else { return }
        if logsAt(.debug) { logger.debug("service stopping", metadata: ["mode": "\(mode == .immediate ? "immediate" : "graceful")"]) }
    }

    /// Records the service thread's kernel id. Service thread, once.
    @usableFromInline
    final func noteThreadStarted() {
        statistics.setThreadID(nano_thread_id())
    }

    /// A call to this service failed with `error` on the caller's side. Counts and logs it if
    /// it is a ``ServiceError`` about this service (a method's own errors, and errors of other
    /// services it passes on, are the caller's business).
    ///
    /// Logged with this service's logger, on the caller's thread: deadlocks and timeouts at
    /// `warning` (they point at a design or capacity problem); `stopped` and `mailboxFull` at
    /// `debug` (the caller gets the error and decides). Failure paths only.
    @usableFromInline
    final func noteCallFailed(_ error: any Error, method: StaticString) {
        guard let error = error as? ServiceError, error.serviceIdentity == identity else { return }
        statistics.noteCallFailed(error.code)
        var metadata: Logger.Metadata = ["method": "\(method)", "code": "\(error.code)"]
        if let caller = _ServiceContext.current { metadata["caller"] = "\(caller.name)" }
        if error.code == .deadlock || error.code == .timeout {
            if !error.cycle.isEmpty { metadata["cycle"] = "\(error.cycle.joined(separator: " → "))" }
            logger.warning("call failed: \(error.message)", metadata: metadata)
        } else if logsAt(.debug) {
            logger.debug("call failed: \(error.message)", metadata: metadata)
        }
    }

    /// Records the latency of a call measured by its caller. Metrics on only.
    @usableFromInline
    final func recordCallDuration(_ method: StaticString, since start: UInt64) {
        let elapsed = nano_monotonic_ns() &- start
        statistics.methodStatistics(for: method, key: method._observabilityKey)
            .metrics?.callDuration.recordNanoseconds(Int64(truncatingIfNeeded: elapsed))
    }
}
