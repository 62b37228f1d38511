import Instrumentation

/// A message as it travels through a mailbox: the generated message, the sender's
/// `ServiceContext` (for tracing) and, when metrics are on, when it was enqueued.
///
/// The context is `nil` unless the sender had a non-empty `ServiceContext.current`, and
/// `enqueuedAt` is 0 unless the service records metrics, so the common case adds two words
/// to each mailbox slot and no allocation, no retain.
///
/// Not thread-safe by itself: it moves through the mailbox, which guards it.
@usableFromInline
struct MessageEnvelope<Message> {
    @usableFromInline var message: Message
    @usableFromInline var context: ServiceContext?
    /// Monotonic nanoseconds when the message was sent, or 0 when not measured.
    @usableFromInline var enqueuedAt: UInt64

    @inlinable @inline(__always)
    init(_ message: consuming Message, context: ServiceContext?, enqueuedAt: UInt64) {
        self.message = message
        self.context = context
        self.enqueuedAt = enqueuedAt
    }

    /// Moves the message out and ends the envelope, so a payload moved into the service
    /// reaches the method with a reference count of one.
    @inlinable @inline(__always)
    consuming func open() -> (message: Message, context: ServiceContext?, enqueuedAt: UInt64) {
        (message, context, enqueuedAt)
    }

    /// The sender's context worth carrying: `ServiceContext.current`, unless absent or empty.
    /// Cost: one task-local read.
    @inlinable @inline(__always)
    static var currentContext: ServiceContext? {
        guard let context = ServiceContext.current, !context.isEmpty else { return nil }
        return context
    }
}
