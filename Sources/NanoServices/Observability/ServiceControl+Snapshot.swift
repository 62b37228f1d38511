extension ServiceControl {
    /// What the service is doing right now: state, thread, mailbox depth, messages handled
    /// per method, dropped casts, failed calls and busy time. See ``ServiceSnapshot``.
    ///
    /// Any thread; never blocks on the service (one mailbox lock round trip and a few
    /// atomic loads). Works after the service has stopped, too.
    public func snapshot() -> ServiceSnapshot {
        core.snapshot()
    }
}
