/// What generated code may ask of the runtime while it handles one message: report a `@Cast`
/// method's error, start an `async` method. Nothing else of the running service is reachable
/// from it.
///
/// Implementation detail of `@NanoService`: the runtime passes one to the generated
/// `_handle(_:_:)`, on the service's thread, for the duration of that message, and it must not
/// be kept beyond. One unretained reference, free to pass.
@frozen
public struct _HandlerContext {
    /// Unretained: the runtime holds the service while it handles the message, and building
    /// a context for every message must cost nothing (a retain and a release per message
    /// showed in the cast-chain benchmark).
    @usableFromInline unowned(unsafe) let service: _ServiceContext

    @inlinable init(_ service: _ServiceContext) { self.service = service }

    /// Reports an error thrown by a `@Cast` method: to its supervisor, to
    /// ``ServiceOptions/onCastError``, or to the log. Service thread.
    public func _reportCastError(_ error: any Error, method: StaticString) {
        service.reportCastError(error, method: method)
    }

    /// Starts an `async` cast method. Service thread.
    ///
    /// - Parameters:
    ///   - reentrant: `true` for `@Reentrant` methods, which do not hold the service.
    ///   - body: runs the method.
    public func _startAsync(reentrant: Bool, _ body: sending @escaping () async -> Void) {
        service.startAsync(reentrant: reentrant, reply: nil, body)
    }

    /// Starts an `async` call method that answers `reply`. Service thread. If the instance is
    /// dropped by a restart while the method is suspended, the runtime answers the caller with
    /// `restarted` at once and the method's own late answer is dropped.
    public func _startAsync<Value>(
        reentrant: Bool, reply: _Reply<Value>, _ body: sending @escaping () async -> Void
    ) {
        service.startAsync(reentrant: reentrant, reply: reply, body)
    }
}
