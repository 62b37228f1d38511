import CNanoServicesShims

/// What the calling thread is, from the runtime's point of view.
public enum CurrentService {
    /// The name of the service whose thread runs the calling code, or `nil` when the caller
    /// is not on a service thread. Cost: one thread-local read.
    public static var name: String? {
        guard let raw = nano_current_service() else { return nil }
        return Unmanaged<_ServiceContext>.fromOpaque(raw).takeUnretainedValue().name
    }

    /// The executor of the service whose thread runs the calling code, or `nil` off a service
    /// thread. Give it to an unstructured task to keep that task on the service's thread:
    ///
    /// ```swift
    /// public func refresh() async {
    ///     Task(executorPreference: CurrentService.taskExecutor) { await self.reload() }
    /// }
    /// ```
    ///
    /// A plain `Task { }` does not inherit it (Swift passes a task executor preference on to
    /// child tasks — `async let`, task groups — but not to unstructured tasks), so it runs on
    /// the global concurrent executor, where touching the instance would race with the
    /// service. A task given this executor runs its code on the service's thread, between the
    /// service's messages (like a `@Reentrant` method: it may interleave with them); if it
    /// outlives the service it continues on the global executor. Cost: one thread-local read.
    public static var taskExecutor: (any TaskExecutor)? {
        guard let raw = nano_current_service() else { return nil }
        return Unmanaged<_ServiceContext>.fromOpaque(raw).takeUnretainedValue().executor
    }
}
