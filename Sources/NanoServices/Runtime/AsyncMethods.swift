import Instrumentation

/// Running `async` service methods on the service's own thread, without reentrancy.
///
/// The generated `_handle` starts each `async` method in a task that prefers the service's
/// ``ServiceExecutor``. A *non-reentrant* method (the default) holds the service: until it
/// returns, the service thread runs only the jobs of tasks already started (the method's own
/// resumptions) and leaves new messages waiting, in order, in the mailbox. A `@Reentrant`
/// method does not hold it: other messages may run while it is suspended.
///
/// All state here is touched only on the service's thread.
extension _ServiceContext {
    /// A service's `async` methods in flight and the executor they prefer, and its supervisor's
    /// link: created when the first method starts, the executor is first asked for, or a
    /// supervisor attaches (before the service runs). Service thread only, but for that attach.
    @usableFromInline
    final class OccasionalState {
        /// The executor the tasks of `async` methods prefer.
        @usableFromInline let executor: ServiceExecutor
        var nextTaskID = 0
        /// The tasks of `async` methods in flight, with the reply of each call method (a
        /// restart answers those at once, see `failAsyncCallsForRestart`).
        @usableFromInline var tasks: [Int: (task: Task<Void, Never>, reply: (any _RuntimeAnswerable)?)] = [:]
        /// See ``_ServiceContext/supervision``.
        @usableFromInline var supervision: SupervisionLink?

        init(executor: ServiceExecutor) { self.executor = executor }
    }

    /// What only some services use, created on first use. Service thread only (or the
    /// spawning thread, before the service runs).
    final var occasional: OccasionalState {
        if let state = occasionalState { return state }
        let state = OccasionalState(executor: ServiceExecutor(running))
        occasionalState = state
        return state
    }

    /// The executor the tasks of `async` methods prefer. Created on first use. Service thread.
    @usableFromInline
    final var executor: ServiceExecutor { occasional.executor }

    /// Tasks of `async` methods started and not yet finished. Service thread; one load when
    /// none ever started.
    @inlinable
    final var asyncTasksInFlight: Int { occasionalState.map { $0.tasks.count } ?? 0 }

    /// What the current task is, when the runtime started it for an `async` method.
    @usableFromInline
    struct AsyncMethodTask: Sendable {
        @usableFromInline let service: ObjectIdentifier
        @usableFromInline let isReentrant: Bool
    }

    @TaskLocal @usableFromInline
    static var currentAsyncMethod: AsyncMethodTask?

    /// Starts an `async` method (see ``_HandlerContext/_startAsync(reentrant:_:)``); `reply`
    /// is the call's, `nil` for a cast. Service thread only.
    final func startAsync(
        reentrant: Bool, reply: (any _RuntimeAnswerable)?, _ body: sending @escaping () async -> Void
    ) {
        assertOnServiceThread("starting an async method")
        let state = occasional
        let executor = state.executor
        let identifier = state.nextTaskID
        state.nextTaskID &+= 1
        asyncMethodsRunning.add(1, ordering: .relaxed)
        if !reentrant { isHeldByAsyncMethod = true }
        let info = AsyncMethodTask(service: ObjectIdentifier(self), isReentrant: reentrant)
        // The sender's tracing context, bound around the handling (see `handleOne`): the
        // method's task keeps it across suspensions.
        let context = MessageEnvelope<Void>.currentContext
        let task = Task(executorPreference: executor) { [self] in
            if let context {
                await ServiceContext.withValue(context) {
                    await Self.$currentAsyncMethod.withValue(info) { await body() }
                }
            } else {
                await Self.$currentAsyncMethod.withValue(info) { await body() }
            }
            asyncMethodFinished(identifier, reentrant: reentrant) // on the service thread
            _ = executor // keep the executor alive as long as the task
        }
        if executor.isServiceStoppingImmediately { task.cancel() }
        state.tasks[identifier] = (task, reply)
    }

    /// Bookkeeping when a method's task ends. Service thread.
    @usableFromInline
    final func asyncMethodFinished(_ identifier: Int, reentrant: Bool) {
        assertOnServiceThread("an async method's end")
        occasionalState?.tasks[identifier] = nil
        asyncMethodsRunning.subtract(1, ordering: .relaxed)
        if !reentrant { isHeldByAsyncMethod = false }
    }

    /// Immediate stop: every method still suspended sees cancellation. Service thread.
    @usableFromInline
    final func cancelAsyncMethods() {
        guard let tasks = occasionalState?.tasks else { return }
        for (task, _) in tasks.values { task.cancel() }
    }

    /// A restart dropped the instance: every call still in the hands of one of its `async`
    /// methods fails at once with `restarted` (the method, cancelled next, may answer later;
    /// that answer is dropped). Service thread.
    final func failAsyncCallsForRestart() {
        guard let tasks = occasionalState?.tasks else { return }
        var error: ServiceError?
        for (_, reply) in tasks.values {
            guard let reply else { continue }
            let failure = error ?? ServiceError(
                .restarted, service: self,
                message: "the service failed and was restarted while this call's async method was suspended")
            error = failure
            reply.answerForRestart(failure)
        }
    }

    /// Whether this service, or a service it is blocked on (along the wait-for graph), runs an
    /// `async` method: its progress may need Swift's cooperative pool. Any thread.
    final var dependsOnAsyncMethod: Bool {
        var node: _ServiceContext? = self
        var hops = 0
        while let current = node, hops < 1_000 {
            if current.asyncMethodsRunning.load(ordering: .relaxed) > 0 { return true }
            node = current.blockedOn()
            hops += 1
        }
        return false
    }

    /// Whether the calling task is a `@Reentrant` method of this service.
    @usableFromInline
    final var isInReentrantMethod: Bool {
        guard let current = Self.currentAsyncMethod else { return false }
        return current.service == ObjectIdentifier(self) && current.isReentrant
    }

    /// Whether the calling task is a non-reentrant method of this service (which holds it).
    @usableFromInline
    final var isInHoldingMethod: Bool {
        guard let current = Self.currentAsyncMethod else { return false }
        return current.service == ObjectIdentifier(self) && !current.isReentrant
    }
}
