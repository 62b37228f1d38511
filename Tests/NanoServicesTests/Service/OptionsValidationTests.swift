import NanoServices
import Testing

/// `ServiceOptions` fields are `var`s, so a value can be changed after `init` checked it: the
/// spawn checks again and fails with a clear error instead of starting a broken service.
@Suite("Options validated at spawn")
struct OptionsValidationTests {
    @Test("a bounded mailbox of capacity 0 set after init fails the spawn with invalidOptions")
    func zeroCapacityAfterInit() throws {
        var options = ServiceOptions(name: "zero")
        options.mailbox = .bounded(capacity: 0, whenFull: .block)
        let error = #expect(throws: ServiceError.self) { try Counter.Service(start: 0, options: options) }
        #expect(error?.code == .invalidOptions)
        #expect(error?.serviceName == "zero")
        #expect(error?.message.contains("capacity") == true)
        #expect(!ServiceRegistry.snapshot().contains { $0.name == "zero" })
    }

    @Test("a negative stack size set after init fails the spawn with invalidOptions")
    func negativeStackAfterInit() throws {
        var options = ServiceOptions()
        options.stackSize = -1
        let error = #expect(throws: ServiceError.self) { try Counter.Service(start: 0, options: options) }
        #expect(error?.code == .invalidOptions)
        #expect(error?.message.contains("stackSize") == true)  // names the field
    }
}
