/// The error a service handle throws when a message cannot be delivered or answered.
///
/// A call on a handle throws either the service method's own error, unchanged, or a
/// `ServiceError` that says why the runtime could not complete it. Switch on ``code``:
///
/// ```swift
/// do {
///     let total = try counter.current()
/// } catch let error as ServiceError where error.code == .stopped {
///     // the service was stopped before it could answer
/// }
/// ```
public struct ServiceError: Error, CustomStringConvertible, Sendable {
    /// Why the runtime failed a message. Extensible: new codes may be added in minor versions,
    /// so `switch` statements over codes should keep a `default` case.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable, CaseIterable {
            case stopped, initializerFailed, spawnFailed, timeout, deadlock, mailboxFull, invalidOptions, cooperativePoolExhausted
            case restarted, restartLimitExceeded, network
        }

        private let value: Value

        private init(_ value: Value) { self.value = value }

        /// Every code this version knows (for transports that carry a code by its name).
        static var allKnown: [Code] { Value.allCases.map(Code.init) }

        /// The service has stopped (or is stopping) and will not handle the message.
        public static let stopped = Code(.stopped)
        /// The service's initializer failed (a failable initializer returned `nil`).
        /// An initializer that *throws* rethrows its own error instead.
        public static let initializerFailed = Code(.initializerFailed)
        /// The operating system refused to start the service's thread.
        public static let spawnFailed = Code(.spawnFailed)
        /// The call did not get its answer within its time limit.
        public static let timeout = Code(.timeout)
        /// Waiting would never end: a service waiting on itself, or a cycle of waiting services.
        public static let deadlock = Code(.deadlock)
        /// The service's bounded mailbox is full and its policy is to fail the send.
        public static let mailboxFull = Code(.mailboxFull)
        /// The service was not spawned: its ``ServiceOptions`` are invalid (a bounded mailbox
        /// of capacity 0, a negative stack size). The message says which field.
        public static let invalidOptions = Code(.invalidOptions)
        /// A blocking call made on a thread of Swift's cooperative pool gave up: every thread of
        /// the pool was blocked in such calls while the service ran an `async` method that may
        /// need the pool to finish (see "Blocking from a task" in the README). Use `try await`.
        public static let cooperativePoolExhausted = Code(.cooperativePoolExhausted)
        /// A supervised service failed while the message was in its hands (the method threw
        /// ``ServiceFailure``), or was queued and its ``Supervisor`` drops queued messages on a
        /// restart (``Supervisor/QueuedMessages/drop``). The service is being restarted with a
        /// fresh instance; sending again reaches the new instance.
        public static let restarted = Code(.restarted)
        /// A ``Supervisor`` gave up: its children failed more often than its
        /// ``Supervisor/RestartIntensity`` allows. It stopped its children; its `run()` throws this.
        public static let restartLimitExceeded = Code(.restartLimitExceeded)
        /// A remote service (`NanoServicesRemote`) could not be reached, or the connection to
        /// its host broke before the answer arrived. A call that fails with this code may or
        /// may not have run on the host (at most once: it is never sent twice).
        public static let network = Code(.network)

        public var description: String {
            switch value {
            case .stopped: "stopped"
            case .initializerFailed: "initializerFailed"
            case .spawnFailed: "spawnFailed"
            case .timeout: "timeout"
            case .deadlock: "deadlock"
            case .mailboxFull: "mailboxFull"
            case .invalidOptions: "invalidOptions"
            case .cooperativePoolExhausted: "cooperativePoolExhausted"
            case .restarted: "restarted"
            case .restartLimitExceeded: "restartLimitExceeded"
            case .network: "network"
            }
        }
    }

    /// Why the message failed.
    public var code: Code
    /// A human-readable explanation, suitable for logs.
    public var message: String
    /// The name of the service the message was for.
    public var serviceName: String
    /// For ``Code/deadlock``: the services in the waiting cycle, in order, first one repeated
    /// at the end (`["A", "B", "A"]`). Empty otherwise.
    public var cycle: [String]
    /// The identity of the service the error is about (``_ServiceContext/identity``), or 0 when
    /// unknown: names are not unique, so failures are attributed by this.
    var serviceIdentity: UInt64 = 0

    public init(_ code: Code, service serviceName: String, message: String, cycle: [String] = []) {
        self.code = code
        self.serviceName = serviceName
        self.message = message
        self.cycle = cycle
    }

    /// An error about `service`, attributed to it by identity.
    @usableFromInline
    init(_ code: Code, service: _ServiceContext, message: String, cycle: [String] = []) {
        self.init(code, service: service.name, message: message, cycle: cycle)
        serviceIdentity = service.identity
    }

    public var description: String {
        "ServiceError.\(code) (service '\(serviceName)'): \(message)"
    }

    static func stopped(_ serviceName: String) -> ServiceError {
        ServiceError(.stopped, service: serviceName, message: "the service has stopped and will not handle the message")
    }
}
