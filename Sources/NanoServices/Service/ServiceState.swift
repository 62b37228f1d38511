/// Where a service is in its life. Read it with ``ServiceHandle/state``.
public enum ServiceState: UInt8, Sendable, CustomStringConvertible {
    /// The thread is starting and the instance is being created.
    case starting
    /// Handling messages.
    case running
    /// A stop was requested: no new messages are accepted; queued ones are being handled
    /// (graceful) or failed (immediate).
    case stopping
    /// The thread has ended and the instance has been released.
    case stopped

    public var description: String {
        switch self {
        case .starting: "starting"
        case .running: "running"
        case .stopping: "stopping"
        case .stopped: "stopped"
        }
    }
}

/// How a service stops.
public enum StopMode: Sendable {
    /// Refuse new messages, handle every message already queued, then end the thread.
    case graceful
    /// Refuse new messages, finish the message being handled, fail every queued call with
    /// ``ServiceError/Code/stopped`` and drop every queued cast (counted), then end the thread.
    case immediate
}
