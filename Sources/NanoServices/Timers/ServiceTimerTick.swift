/// A tick of one of a service's timers, as it travels through the service's mailbox: the
/// payload of the `_$timerTick` case `@NanoService` adds to every message enum.
///
/// Implementation detail of `@NanoService`; generated code calls ``_run(_:_:)`` and
/// ``_discard()`` on the service's thread. Holds one reference: a tick allocates nothing.
public struct _ServiceTimerTick<Message: _ServiceMessage>: Sendable {
    let timer: ServiceTimer<Message>

    init(timer: ServiceTimer<Message>) { self.timer = timer }

    /// Runs the timer's action on the instance, unless the timer was cancelled or replaced
    /// after the tick was sent, or the service is stopping (the tick is then skipped and
    /// counted). Service thread.
    public func _run(_ instance: inout Message.Instance, _ context: _HandlerContext) {
        timer.handleTick(&instance)
    }

    /// The tick will never be handled (the service stopped): count it as skipped.
    public func _discard() {
        timer.core.timerCounters.noteSkipped(metrics: timer.metrics)
    }
}
