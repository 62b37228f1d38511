/// A `sending` argument of a remote method (`func store(_ draft: sending Draft)`), which may be
/// of a type that is not `Sendable`: the remote handle wraps it, and the transport encodes it
/// once, on the task that sends the request. Nothing else ever sees the value.
///
/// `@unchecked Sendable` is sound: the value was passed `sending` (its region is disconnected
/// from the caller, which cannot touch it again), is stored once here, and is only read by the
/// encoder. Implementation detail of `@RemoteService`.
public struct _RemoteSentArgument: Encodable, @unchecked Sendable {
    private let value: any Encodable

    public init<Value: Encodable>(_ value: sending Value) {
        self.value = value
    }

    public func encode(to encoder: any Encoder) throws {
        // Through a container, so that the encoder's own strategies apply (JSON's for `Data`,
        // `Date`, `URL`), as for an argument that is not wrapped.
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
