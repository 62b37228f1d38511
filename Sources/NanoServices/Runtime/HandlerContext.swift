/// What generated code may ask of the runtime while it handles one message: report a `@Cast`
/// method's error, start an `async` method. Nothing else of the running service is reachable
/// from it.
///
/// Implementation detail of `@NanoService`: the runtime passes one to the generated
/// `_handle(_:_:)`, on the service's thread, for the duration of that message, and it must not
/// be kept beyond. One unretained reference, free to pass.
@frozen
public struct _HandlerContext {
    /// Unretained, and used without retaining it (`_withUnsafeGuaranteedRef`): the runtime
    /// holds the service while it handles the message, so a context must cost nothing to make
    /// for every message, nor to use (a retain per `async` method start showed in
    /// `nano-bench --filter async-method`).
    @usableFromInline let service: Unmanaged<_ServiceContext>

    @inlinable init(_ service: _ServiceContext) { self.service = .passUnretained(service) }

    /// Reports an error thrown by a `@Cast` method: to its supervisor, to
    /// ``ServiceOptions/onCastError``, or to the log. Service thread.
    public func _reportCastError(_ error: any Error, method: StaticString) {
        service._withUnsafeGuaranteedRef { $0.reportCastError(error, method: method) }
    }

    /// Starts an `async` cast method. Service thread.
    ///
    /// - Parameters:
    ///   - reentrant: `true` for `@Reentrant` methods, which do not hold the service.
    ///   - body: runs the method.
    public func _startAsync(reentrant: Bool, _ body: sending @escaping () async -> Void) {
        // Sound: `body` was sent here and goes on to the service; nothing else uses it.
        nonisolated(unsafe) let method = body
        service._withUnsafeGuaranteedRef { $0.startAsync(reentrant: reentrant, reply: nil, method) }
    }

    /// Starts an `async` call method that answers `reply`. Service thread. If the instance is
    /// dropped by a restart while the method is suspended, the runtime answers the caller with
    /// `restarted` at once and the method's own late answer is dropped.
    public func _startAsync<Value>(
        reentrant: Bool, reply: _Reply<Value>, _ body: sending @escaping () async -> Void
    ) {
        // Sound: `body` was sent here and goes on to the service; nothing else uses it.
        nonisolated(unsafe) let method = body
        service._withUnsafeGuaranteedRef { $0.startAsync(reentrant: reentrant, reply: reply, method) }
    }
}
