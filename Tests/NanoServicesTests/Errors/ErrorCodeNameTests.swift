import NanoServices
import Testing

/// Remote transports carry a `ServiceError.Code` by its name; every code must come back.
@Suite("ServiceError codes by name")
struct ErrorCodeNameTests {
    static let codes: [ServiceError.Code] = [
        .stopped, .initializerFailed, .spawnFailed, .timeout, .deadlock, .mailboxFull, .invalidOptions,
        .cooperativePoolExhausted, .restarted, .restartLimitExceeded, .network,
    ]

    @Test("every code round-trips through its name", arguments: codes)
    func roundTrip(code: ServiceError.Code) {
        #expect(ServiceError.Code(remoteName: code.description) == code)
    }

    @Test("an unknown name (a newer host's code) gives nil")
    func unknownName() {
        #expect(ServiceError.Code(remoteName: "someFutureCode") == nil)
        #expect(Set(Self.codes.map(\.description)).count == Self.codes.count)
    }
}
