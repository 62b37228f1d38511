/// What a running service is doing, at one moment: for dashboards, health endpoints, logs
/// and tests. Get one with ``ServiceHandle/snapshot()`` or all of them with
/// ``ServiceRegistry/snapshot()``.
///
/// The fields are read one by one without stopping the service, so under load they may be a
/// few messages apart from each other; each one is exact for the moment it was read.
/// `description` is a one-line summary suitable for a log line.
public struct ServiceSnapshot: Sendable, CustomStringConvertible {
    /// The service's name (``ServiceOptions/name``, or the type's name).
    public var name: String
    /// The name of the `@NanoService` type.
    public var typeName: String
    /// The kernel id of the service's thread, or `nil` before the thread has started.
    public var threadID: Int64?
    /// The service thread's name (the service's name, truncated to 15 bytes).
    public var threadName: String
    public var state: ServiceState
    /// Messages accepted and not yet handled.
    public var mailboxDepth: Int
    /// Messages handled (casts and calls), all methods together.
    public var messagesHandled: Int
    /// Casts never handled because the service was stopped or its mailbox full.
    public var castsDropped: Int
    /// Calls that failed with a ``ServiceError`` about this service (stopped, timeout,
    /// deadlock, mailbox full), by code. A method's own errors are not counted.
    public var callsFailed: [ServiceError.Code: Int]
    /// Time the service thread spent handling messages (measured per batch).
    public var busyTime: Duration
    /// Messages handled per method, keyed by the method's Swift name (`add(_:)`); methods not
    /// handled yet are absent.
    public var handledByMethod: [String: Int]
    /// Blocking waits on this service (blocking calls, and casts waiting for room in a full
    /// `.block` mailbox) made from inside Swift concurrency tasks, where they hold a thread
    /// the task's executor needs. Each call site is also logged once at `warning`; this is the
    /// total. 0 is the healthy value: use `try await` calls from async code.
    public var blockingWaitsFromTasks: Int = 0
    /// Ticks of the service's timers whose action ran (see ``ServiceTimers``).
    public var timerTicksHandled: Int = 0
    /// Timer deadlines that passed while a tick of the same timer was still waiting in the
    /// mailbox: coalesced into that tick instead of queued. A growing number means the service
    /// cannot keep up with its timers.
    public var timerTicksCoalesced: Int = 0
    /// Timer ticks not handled because their timer was cancelled or replaced after they were
    /// queued, or because the service was stopping.
    public var timerTicksSkipped: Int = 0
    /// How many times a ``Supervisor`` replaced the service's instance with a fresh one after
    /// a failure. Always 0 for a service nobody supervises.
    public var restarts: Int = 0

    public var description: String {
        var line = "\(name) [\(typeName)] \(state) thread=\(threadID.map { "\($0)" } ?? "-")"
        line += " depth=\(mailboxDepth) handled=\(messagesHandled) dropped=\(castsDropped)"
        let failed = callsFailed.sorted { $0.key.description < $1.key.description }
        line += " failed=" + (failed.isEmpty ? "0" : failed.map { "\($0.key):\($0.value)" }.joined(separator: ","))
        let busy = busyTime.components
        let busyMilliseconds = Double(busy.seconds) * 1e3 + Double(busy.attoseconds) / 1e15
        line += " busy=\((busyMilliseconds * 1000).rounded() / 1000)ms"
        if !handledByMethod.isEmpty {
            line += " methods=" + handledByMethod.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
        }
        if restarts > 0 { line += " restarts=\(restarts)" }
        if blockingWaitsFromTasks > 0 { line += " blockingWaitsFromTasks=\(blockingWaitsFromTasks)" }
        if timerTicksHandled + timerTicksCoalesced + timerTicksSkipped > 0 {
            line += " ticks=\(timerTicksHandled) coalesced=\(timerTicksCoalesced) skipped=\(timerTicksSkipped)"
        }
        return line
    }
}
