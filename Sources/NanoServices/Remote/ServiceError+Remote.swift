extension ServiceError.Code {
    /// The code whose ``description`` is `name`, or `nil` for a name this version does not know
    /// (a newer host). Used by remote transports to rebuild a host's error; costs a short scan.
    public init?(remoteName name: String) {
        guard let code = Self.allKnown.first(where: { $0.description == name }) else { return nil }
        self = code
    }
}
