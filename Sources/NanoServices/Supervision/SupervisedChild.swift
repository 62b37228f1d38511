/// What a ``Supervisor`` needs of a child, a service or another supervisor. Any task.
protocol SupervisedChild: Sendable {
    var name: String { get }
    /// Drops the child's instance (its instances, for a supervisor) to be rebuilt later, and
    /// waits until it has. Mailboxes stay open; messages queue.
    func takeDown(reason: String) async
    /// Runs the factory again (rebuilds every child, for a supervisor) and waits for the outcome.
    func rebuild() async -> SupervisionLink.RebuildOutcome
    /// Starts stopping the child; returns at once.
    func requestStop(_ mode: StopMode)
    /// Waits until the child has stopped.
    func join() async
}

/// A supervised service: its link, and a control that keeps it running while supervised.
struct ServiceChild: SupervisedChild {
    let link: SupervisionLink
    let control: ServiceControl

    var name: String { control.name }

    func takeDown(reason: String) async { await link.takeDown(reason: reason) }

    func rebuild() async -> SupervisionLink.RebuildOutcome { await link.rebuild() }

    func requestStop(_ mode: StopMode) { control.requestStop(mode) }

    func join() async {
        // A supervisor's task is never a service's method: joining cannot deadlock.
        try? await control.join()
    }
}

/// A supervisor under another supervisor.
struct SupervisorChild: SupervisedChild {
    let supervisor: Supervisor

    var name: String { supervisor.name }

    func takeDown(reason: String) async { await supervisor.takeDownChildren(reason: reason) }

    func rebuild() async -> SupervisionLink.RebuildOutcome { await supervisor.rebuildAfterEscalation() }

    func requestStop(_ mode: StopMode) { supervisor.requestStop(mode) }

    func join() async { try? await supervisor.waitUntilEnded() }
}
