/// How a supervisor answers its children's failures and ends, one event at a time, on its own
/// task. The decisions are made under the lock; the waiting (take-downs, backoff, rebuilds)
/// happens outside it.
extension Supervisor {
    /// What to do about a failure.
    enum Plan {
        case ignore
        case stopTemporary(any SupervisedChild)
        case giveUp(String)
        case restart(RestartPlan)
    }

    struct RestartPlan {
        var failedName: String
        var reason: String
        var delay: Duration
        var attempt: Int
        /// Temporary siblings: stopped, not restarted.
        var stopped: [any SupervisedChild] = []
        /// Healthy siblings to take down, in start order (taken down in reverse).
        var takenDown: [Child] = []
        /// Every child to rebuild, in start order.
        var rebuilt: [Child] = []
    }

    func handle(_ event: SupervisorEvent, ofChild id: Int) async {
        switch event {
        case .ended: await childEnded(id)
        case .failed(let reason): await childFailed(id, reason: reason)
        }
    }

    func childEnded(_ id: Int) async {
        let removed: (Child, wasRunning: Bool)? = state.withLock { state in
            guard let index = state.index(of: id) else { return nil }
            switch state.phase {
            case .running: return (state.children.remove(at: index), true)
            case .escalated: return (state.children.remove(at: index), false)
            default: return nil
            }
        }
        guard let (child, wasRunning) = removed else { return }
        if child.restart == .permanent && wasRunning {
            await giveUp("permanent child '\(child.entry.name)' stopped outside its supervisor; it cannot be restarted in place")
        } else {
            logger.info("child stopped outside its supervisor and was removed", metadata: ["child": "\(child.entry.name)"])
        }
    }

    func childFailed(_ id: Int, reason: String) async {
        let now = clock.now()
        let plan = state.withLock { state in makePlan(&state, failed: id, reason: reason, now: now) }
        switch plan {
        case .ignore:
            break
        case .stopTemporary(let child):
            logger.warning("temporary child failed: stopping it, no restart", metadata: ["child": "\(child.name)", "reason": "\(reason)"])
            child.requestStop(.graceful)
        case .giveUp(let why):
            await giveUp(why)
        case .restart(let plan):
            await carryOut(plan)
        }
    }

    func makePlan(_ state: inout State, failed id: Int, reason: String, now: Duration) -> Plan {
        guard state.isRunning, let index = state.index(of: id) else { return .ignore }
        let failed = state.children[index]
        if failed.restart == .temporary {
            state.children.remove(at: index)
            return .stopTemporary(failed.entry)
        }
        guard let attempt = state.history.admit(at: now) else {
            let intensity = state.history.intensity
            return .giveUp("more than \(intensity.maxRestarts) restarts within \(intensity.period); last failure: '\(failed.entry.name)': \(reason)")
        }
        state.restarts += 1
        var plan = RestartPlan(failedName: failed.entry.name, reason: reason,
                               delay: backoff.delay(beforeRestart: attempt), attempt: attempt)
        let affected: [Child] = switch strategy {
        case .oneForOne: [failed]
        case .oneForAll: state.children
        case .restForOne: Array(state.children[index...])
        }
        for child in affected where child.id != id {
            if child.restart == .temporary {
                plan.stopped.append(child.entry)
                state.children.removeAll { $0.id == child.id }
            } else {
                plan.takenDown.append(child)
            }
        }
        plan.rebuilt = affected.filter { $0.restart != .temporary || $0.id == id }
        return .restart(plan)
    }

    /// Takes the siblings down (reverse start order), waits the backoff, rebuilds (start
    /// order). A rebuild that fails is handled as a new failure of that child.
    func carryOut(_ plan: RestartPlan) async {
        logger.warning("restarting after a failure", metadata: [
            "child": "\(plan.failedName)", "reason": "\(plan.reason)", "strategy": "\(strategy)",
            "attempt": "\(plan.attempt)", "backoff": "\(plan.delay)",
            "children": "\(plan.rebuilt.map(\.entry.name).joined(separator: ","))"])
        for child in plan.stopped { child.requestStop(.graceful) }
        for child in plan.takenDown.reversed() {
            await child.entry.takeDown(reason: "sibling '\(plan.failedName)' failed: \(plan.reason)")
        }
        if plan.delay > .zero {
            do { try await clock.sleep(plan.delay) } catch { return }  // cancelled: stopping
        }
        await rebuild(plan.rebuilt)
    }

    func rebuild(_ children: [Child]) async {
        for child in children {
            if Task.isCancelled { return }
            if case .failed(let reason) = await child.entry.rebuild() {
                eventSink.yield((child.id, .failed(reason)))
            }
        }
    }

    /// Too many restarts (or a permanent child gone): stop the children and fail; under a
    /// parent, take them down and let the parent decide.
    func giveUp(_ reason: String) async {
        let decision: (parent: (@Sendable (SupervisorEvent) -> Void)?, children: [any SupervisedChild])? = state.withLock { state in
            guard state.isRunning else { return nil }
            if let parent = state.parent {
                state.phase = .escalated
                return (parent, state.children.map(\.entry))
            }
            state.phase = .stopping(.graceful)
            return (nil, state.children.map(\.entry))
        }
        guard let decision else { return }
        logger.error("supervisor gives up", metadata: ["reason": "\(reason)"])
        if let parent = decision.parent {
            for child in decision.children.reversed() {
                await child.takeDown(reason: "supervisor '\(name)' gave up: \(reason)")
            }
            parent(.failed("supervisor '\(name)' gave up: \(reason)"))
        } else {
            await stopChildren(decision.children, .graceful)
            finish(failure: ServiceError(.restartLimitExceeded, service: name, message: "supervisor '\(name)' gave up: \(reason)"))
        }
    }

    // MARK: As a child of another supervisor

    /// A parent takes this supervisor down: its children drop their instances. Parent's task.
    func takeDownChildren(reason: String) async {
        let children: [any SupervisedChild]? = state.withLock { state in
            guard state.isRunning else { return nil }
            state.phase = .escalated
            return state.children.map(\.entry)
        }
        for child in (children ?? []).reversed() { await child.takeDown(reason: reason) }
    }

    /// A parent restarts this supervisor: a fresh restart history, every child rebuilt in
    /// start order. Parent's task.
    func rebuildAfterEscalation() async -> SupervisionLink.RebuildOutcome {
        let children: [Child]? = state.withLock { state in
            switch state.phase {
            case .escalated:
                state.phase = .running
                state.history.reset()
                return state.children
            case .running:
                return []
            default:
                return nil
            }
        }
        guard let children else { return .ended }
        await rebuild(children)
        return .rebuilt
    }
}
