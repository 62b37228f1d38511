import CoreMetrics
import Logging
import Synchronization

/// What a supervised service and its ``Supervisor`` share: the child's factory, where to report
/// failures, the restart counter, and the restart commands sent and not yet applied by the
/// service thread (in the order sent: a parent's take-down may arrive beside the child
/// supervisor's own rebuild).
///
/// Thread safety: `let`s and atomics from any thread; `failureReason` and `commands` only on the
/// service's thread (the command is written by a job that runs there, see ``send(_:)``).
/// `@unchecked Sendable` is sound for that reason; `service` is weak (atomic loads).
@usableFromInline
final class SupervisionLink: @unchecked Sendable {
    /// What the supervisor asks of the service's thread.
    enum Command {
        /// Drop the (healthy) instance because a sibling failed; keep the mailbox.
        case takeDown(reason: String, done: CheckedContinuation<Void, Never>)
        /// Run the factory again for an instance that failed or was taken down.
        case rebuild(done: CheckedContinuation<RebuildOutcome, Never>)
    }

    /// What a rebuild came to.
    enum RebuildOutcome: Sendable {
        case rebuilt
        /// The factory threw (or the failable initializer returned `nil`).
        case failed(String)
        /// The service has ended (stopped by hand, or by its supervisor).
        case ended
    }

    /// The child's number in its supervisor.
    let childID: Int
    /// The child's factory, a `@Sendable () throws -> Instance` (typed in ServiceCore+Restart).
    let factory: any Sendable
    let dropsQueuedMessages: Bool
    /// Receives failures and ends; set by the supervisor, read on service threads.
    let report: @Sendable (SupervisionLink, SupervisorEvent) -> Void
    let restarts = Atomic<Int>(0)
    private(set) weak var service: _ServiceContext?
    private var executor: ServiceExecutor?
    private var restartCounter: CoreMetrics.Counter?

    // Service thread only.
    var failureReason: String?
    /// Commands delivered and not yet applied, oldest first.
    var commands: [Command] = []

    init(childID: Int, factory: any Sendable, dropsQueuedMessages: Bool,
         report: @escaping @Sendable (SupervisionLink, SupervisorEvent) -> Void) {
        self.childID = childID
        self.factory = factory
        self.dropsQueuedMessages = dropsQueuedMessages
        self.report = report
    }

    /// Binds the link to its service before the service's thread starts. Spawning thread.
    func attach(to service: _ServiceContext, executor: ServiceExecutor) {
        self.service = service
        self.executor = executor
        if service.statistics.metrics != nil {
            restartCounter = CoreMetrics.Counter(label: "nano_service_restarts", dimensions: [("service", service.name)])
        }
    }

    /// A failure of the running instance: a `@Cast` method threw, a method threw
    /// ``ServiceFailure``, or the service called ``CurrentService/fail(_:)``. The instance is
    /// replaced after the message in hand. Service thread.
    func noteFailure(_ error: any Error, method: String?, of service: _ServiceContext) {
        guard !service.instanceFailed else { return }
        service.instanceFailed = true
        failureReason = method.map { "'\($0)' threw \(error)" } ?? "\(error)"
    }

    /// Counts a restart: the factory is about to run again. Service thread.
    func noteRestart() {
        restarts.add(1, ordering: .relaxed)
        restartCounter?.increment()
    }

    /// Logs a rebuilt instance. Service thread.
    func noteRebuilt(_ service: _ServiceContext, after reason: String?) {
        service.logger.warning("service restarted with a fresh instance", metadata: [
            "restarts": "\(restarts.load(ordering: .relaxed))", "reason": "\(reason ?? "a sibling was restarted")"])
    }

    /// The service's thread has ended (it was stopped, by its supervisor or by hand). Any thread.
    func serviceEnded() { report(self, .ended) }

    /// Sends `command` to the service's thread: a task that prefers the service's executor runs
    /// its first job there, between messages, and leaves the command for the loop; if the
    /// service has ended, the job runs elsewhere and the command is answered at once.
    /// Any thread; cost: one task.
    func send(_ command: Command) {
        guard let executor else { return Self.answerEnded(command) }
        Task(executorPreference: executor) { [weak service = self.service] in
            if let service, service.isCurrentThread, service.supervision === self {
                self.commands.append(command)
            } else {
                Self.answerEnded(command)
            }
        }
    }

    static func answerEnded(_ command: Command) {
        switch command {
        case .takeDown(_, let done): done.resume()
        case .rebuild(let done): done.resume(returning: .ended)
        }
    }

    /// Asks the service to drop its instance (a sibling failed) and waits until it has, or has
    /// ended. Any task; suspends until the service's current message is done.
    func takeDown(reason: String) async {
        await withCheckedContinuation { send(.takeDown(reason: reason, done: $0)) }
    }

    /// Asks the service to run its factory again and waits for the outcome. Any task.
    func rebuild() async -> RebuildOutcome {
        await withCheckedContinuation { send(.rebuild(done: $0)) }
    }
}

/// What a supervised child tells its supervisor.
enum SupervisorEvent: Sendable {
    /// The instance failed (its reason); the service now waits, without handling messages,
    /// for the supervisor to rebuild it or stop it.
    case failed(String)
    /// The service has ended.
    case ended
}
