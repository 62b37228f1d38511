/// A service's thread seen as a Swift concurrency executor.
///
/// `async` service methods run in tasks that prefer this executor, so their code — before and
/// after every `await` — runs on the service's own thread. A job enqueued here travels through
/// the service's mailbox (as a job, not a message: jobs are never refused, never counted
/// against a bounded mailbox, and run even while messages wait) and runs on the service thread.
///
/// It is a `TaskExecutor` (the preference given to the tasks of `async` methods), not a
/// `SerialExecutor`: its jobs run as nonisolated code that prefers it (see ``run(_:)``); one
/// thread runs them one at a time anyway.
///
/// Lifetime: created with the service and kept by it; each task the runtime starts keeps it
/// alive too, until the task ends. Thread safety: `enqueue` may be called from any thread.
/// `@unchecked Sendable` is sound: its only field is a weak reference written once, in `init`
/// (weak loads are atomic), to a service that is itself thread-safe.
@usableFromInline
final class ServiceExecutor: TaskExecutor, @unchecked Sendable {
    /// The service whose thread runs the jobs. Weak: a task that outlives its service (an
    /// unstructured task spawned from a method, say) must not keep a stopped service alive.
    private weak var service: (any RunningService)?

    init(_ service: any RunningService) {
        self.service = service
    }

    /// Whether the service has ended or was asked to stop immediately: a task started now
    /// begins cancelled. One weak load and one atomic load.
    var isServiceStoppingImmediately: Bool {
        service?.isStoppingImmediately ?? true
    }

    @usableFromInline
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if let service, service.enqueueJob(job) { return }
        // The service's thread has ended: run the job on the global executor rather than
        // lose it (its task then continues off the service thread).
        globalConcurrentExecutor.enqueue(job)
    }

    @usableFromInline
    func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }

    /// Runs `job` on the calling thread, which must be the service's.
    ///
    /// On this task executor, isolated to no serial executor: the tasks of `async` methods are
    /// nonisolated, and a nonisolated `await` (a continuation, `Task.yield`, a task-local
    /// binding) asks for the generic executor, which for them is this task executor. When this
    /// was also a `SerialExecutor` and jobs ran isolated to it, every such `await` was a switch
    /// from "serial" to "generic": a job enqueued back through the mailbox and a turn of the
    /// loop (`nano-bench --filter async-method`: `swift_task_switch` and its enqueues took a
    /// third of the service thread's work). The job still runs here, on the service's thread.
    @usableFromInline
    func run(_ job: UnownedJob) {
        job.runSynchronously(on: asUnownedTaskExecutor())
    }
}
