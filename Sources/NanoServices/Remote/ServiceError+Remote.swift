extension ServiceError.Code {
    /// Every code this version knows, for transports that carry a code by its name.
    private static let known: [ServiceError.Code] = [
        .stopped, .initializerFailed, .spawnFailed, .timeout, .deadlock, .mailboxFull, .invalidOptions,
        .cooperativePoolExhausted, .network,
    ]

    /// The code whose ``description`` is `name`, or `nil` for a name this version does not know
    /// (a newer host). Used by remote transports to rebuild a host's error; costs a short scan.
    public init?(remoteName name: String) {
        guard let code = Self.known.first(where: { $0.description == name }) else { return nil }
        self = code
    }
}
