/// An error from a remote service that is not a ``NanoServices/ServiceError``: an error the
/// service's method threw on the host, or a request the host rejected.
///
/// ```swift
/// do { try await counter.checkedReset() }
/// catch let error as RemoteError where error.code == .userError {
///     print(error.typeName, error.message)   // "MyApp.ResetError", "already at zero"
/// }
/// ```
public struct RemoteError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Why the call failed. Extensible: keep a `default` case when switching.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        private init(_ description: String) { self.description = description }

        /// The method threw on the host: ``typeName`` is the error's type, ``message`` its
        /// description.
        public static let userError = Code("userError")
        /// The host serves no service under the requested name.
        public static let unknownService = Code("unknownService")
        /// The service has no remote method with the requested name.
        public static let unknownMethod = Code("unknownMethod")
        /// The method exists but was declared differently when the host was built (a version
        /// mismatch between client and host): the request was not run.
        public static let signatureMismatch = Code("signatureMismatch")
        /// The message could not be decoded (arguments, result or envelope): it was not run.
        public static let malformedMessage = Code("malformedMessage")
        /// The host answered with a gRPC status this library does not produce.
        public static let unexpectedStatus = Code("unexpectedStatus")

        static let all: [Code] = [.userError, .unknownService, .unknownMethod, .signatureMismatch, .malformedMessage, .unexpectedStatus]

        init?(wireName: String) {
            guard let code = Self.all.first(where: { $0.description == wireName }) else { return nil }
            self = code
        }
    }

    public var code: Code
    /// What went wrong, for logs.
    public var message: String
    /// For ``Code/userError``: the type of the error thrown on the host (`String(reflecting:)`).
    public var typeName: String?

    public init(_ code: Code, _ message: String, typeName: String? = nil) {
        self.code = code
        self.message = message
        self.typeName = typeName
    }

    public var description: String {
        "RemoteError.\(code)\(typeName.map { " (\($0))" } ?? ""): \(message)"
    }
}
