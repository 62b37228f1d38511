import NanoServices
import Testing

/// A failed call is counted by the service that failed it, found by identity: names are not
/// unique (the default name is the type's).
@Suite("Failed calls attributed by identity")
struct FailureAttributionTests {
    @Test("an error from another service of the same name, rethrown by a method, is not counted as the caller's")
    func sameNameDifferentService() throws {
        let front = try Relay.Service(label: "front")  // both named "Relay"
        let back = try Relay.Service(label: "back")
        try front.connect(to: back)
        try back.control.stop()
        let error = #expect(throws: ServiceError.self) { try front.relay(hops: 1) }
        #expect(error?.code == .stopped)
        #expect(front.control.name == back.control.name)
        #expect(front.control.snapshot().callsFailed[.stopped, default: 0] == 0)  // front answered: it rethrew back's error
        #expect(back.control.snapshot().callsFailed[.stopped, default: 0] == 1)
        try front.control.stop()
    }
}
