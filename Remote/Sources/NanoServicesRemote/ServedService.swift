import NanoServices

/// One service a host serves: its name and, per remote method name, the overloads' entries
/// with the local handle bound in. Built once by ``RemoteHost/serve(_:as:)``; read-only after.
struct ServedService: Sendable {
    /// One method of the served handle, ready to invoke.
    struct Method: Sendable {
        let signature: UInt64
        let isCast: Bool
        /// Decodes the arguments, then calls the local handle (with `timeout` applied to a call).
        let invoke: @Sendable (_ arguments: any _RemoteArgumentReader, _ timeout: Duration?) async throws -> any Encodable & Sendable
    }

    let name: String
    let methods: [String: [Method]]
    /// The served service, to see whether a request would close a cycle of blocking calls.
    let control: ServiceControl

    init<Handle: ServiceHandle>(name: String, handle: Handle, table: [_RemoteMethod<Handle>]) {
        self.name = name
        self.control = handle.control
        var methods: [String: [Method]] = [:]
        for entry in table {
            let invoke = entry.invoke
            methods[entry.name, default: []].append(
                Method(signature: entry.signature, isCast: entry.isCast) { arguments, timeout in
                    try await invoke(timeout.map { handle.timingOut(after: $0) } ?? handle, arguments)
                }
            )
        }
        self.methods = methods
    }

    /// The entry for `envelope`, or a ``RemoteError`` saying why there is none.
    func method(for envelope: RemoteEnvelope) throws -> Method {
        guard let overloads = methods[envelope.method] else {
            throw RemoteError(.unknownMethod, "service '\(name)' has no remote method '\(envelope.method)'")
        }
        guard let method = overloads.first(where: { $0.signature == envelope.signature }) else {
            throw RemoteError(
                .signatureMismatch,
                "'\(envelope.method)' of service '\(name)' was declared differently when the host was built (client and host versions differ)"
            )
        }
        return method
    }
}
