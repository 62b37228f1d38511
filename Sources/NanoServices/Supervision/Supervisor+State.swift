
extension Supervisor {
    /// A supervised child in start order.
    struct Child {
        let id: Int
        let restart: Restart
        let entry: any SupervisedChild
    }

    enum Phase {
        case running
        /// Gave up under a parent: children taken down, waiting for the parent to rebuild them.
        case escalated
        case stopping(StopMode)
        case stopped
        case failed(ServiceError)
    }

    /// What ``requestStop(_:)`` must do.
    enum StopAction {
        case none
        case stop(Task<Void, Never>?, [any SupervisedChild])
        case hurry([any SupervisedChild])
    }

    /// Everything a supervisor changes, under its lock.
    struct State {
        var children: [Child] = []
        var nextID = 0
        var phase = Phase.running
        var history: RestartHistory
        var restarts = 0
        var processing: Task<Void, Never>?
        var endWaiters: [CheckedContinuation<Void, any Error>] = []
        /// Set when the supervisor is a child of another one.
        var parent: (@Sendable (SupervisorEvent) -> Void)?

        init(history: RestartHistory) { self.history = history }

        var isRunning: Bool { if case .running = phase { true } else { false } }

        func index(of id: Int) -> Int? { children.firstIndex { $0.id == id } }

        mutating func admitChild(supervisorName: String) throws -> Int {
            guard isRunning else {
                throw ServiceError(.stopped, service: supervisorName,
                                   message: "supervisor '\(supervisorName)' is not running; it takes no more children")
            }
            defer { nextID += 1 }
            return nextID
        }

        mutating func beginStop(_ mode: StopMode) -> StopAction {
            switch phase {
            case .running, .escalated:
                phase = .stopping(mode)
                return .stop(processing, children.map(\.entry))
            case .stopping(.graceful) where mode == .immediate:
                phase = .stopping(.immediate)
                return .hurry(children.map(\.entry))
            default:
                return .none
            }
        }
    }

    /// Called by a parent in ``supervise(_:restart:)``. Under the parent's lock.
    func attach(toParent parentName: String, report: @escaping @Sendable (SupervisorEvent) -> Void) throws {
        try state.withLock { state in
            guard state.isRunning, state.parent == nil else {
                throw ServiceError(.invalidOptions, service: name,
                                   message: "supervisor '\(name)' already has a parent or is not running; '\(parentName)' cannot supervise it")
            }
            state.parent = report
        }
    }

    /// Waits until stopped (or given up). Any task.
    func waitUntilEnded() async throws {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            let outcome: Result<Void, ServiceError>? = state.withLock { state in
                switch state.phase {
                case .stopped: return .success(())
                case .failed(let error): return .failure(error)
                default:
                    state.endWaiters.append(waiter)
                    return nil
                }
            }
            if let outcome { waiter.resume(with: outcome) }
        }
    }

    /// The supervisor has ended: publish it, release every waiter, and tell the parent.
    func finish(failure: ServiceError?) {
        let (waiters, parent) = state.withLock { state in
            state.phase = failure.map(Phase.failed) ?? .stopped
            defer { state.endWaiters = [] }
            return (state.endWaiters, state.parent)
        }
        logger.debug("supervisor stopped")
        ended.set()
        for waiter in waiters {
            if let failure { waiter.resume(throwing: failure) } else { waiter.resume() }
        }
        parent?(.ended)
    }

    /// Stops `children` in reverse start order. Supervisor task.
    func stopChildren(_ children: [any SupervisedChild], _ mode: StopMode) async {
        switch mode {
        case .graceful:
            for child in children.reversed() {
                child.requestStop(.graceful)
                await child.join()
            }
        case .immediate:
            for child in children.reversed() { child.requestStop(.immediate) }
            for child in children.reversed() { await child.join() }
        }
    }
}

/// An `any Clock<Duration>` opened once: time since the supervisor started, and sleeping.
struct SupervisorClock: Sendable {
    let now: @Sendable () -> Duration
    let sleep: @Sendable (Duration) async throws -> Void

    init<C: Clock<Duration>>(_ clock: C) {
        let start = clock.now
        now = { start.duration(to: clock.now) }
        sleep = { try await clock.sleep(for: $0) }
    }
}
