import NanoServices
import Testing

// The "Publish/subscribe" example of README.md, verbatim, so that it keeps compiling.

struct OrderPlaced: Sendable { let id: Int }

@NanoService
final class AuditLog {
    private var ids: [Int] = []
    public func record(_ order: OrderPlaced) { ids.append(order.id) }   // a cast
    public func recorded() -> [Int] { ids }
}

@Suite("README examples")
struct ReadmeExampleTests {
    @Test("Publish/subscribe")
    func publishSubscribe() async throws {
        let recorded = try await runOnNewThread {
            let orders = Topic<OrderPlaced>()
            let audit = try AuditLog.Service()
            let token = orders.subscribe(audit) { audit, order in audit.record(order) }   // or { $0.record($1) }

            orders.publish(OrderPlaced(id: 1))            // from anywhere; returns once the casts are enqueued
            orders.publish(OrderPlaced(id: 2))
            let recorded = try audit.recorded()           // [1, 2]: a call after the publishes sees them
            token.cancel()                                // no later event reaches audit
            orders.publish(OrderPlaced(id: 3))
            return (recorded, try audit.recorded())
        }
        #expect(recorded.0 == [1, 2])
        #expect(recorded.1 == [1, 2])
    }

    @Test("Programming against a protocol")
    func programmingAgainstAProtocol() async throws {
        let results = try await runOnNewThread {
            let production = SessionRegistry(store: try MemoryStore.Service())
            let test = SessionRegistry(store: FakeStore())
            production.open("ada")
            test.open("ada")
            return [try production.isOpen("ada"), try test.isOpen("ada")]
        }
        #expect(results == [true, true])
    }

    @Test("Constructor creates the worker")
    func constructorCreatesTheWorker() throws {
        let counter = try Counter.Service(start: 5)                      // thread "Counter", init(start:) ran on it
        let hits = try Counter.Service(start: 0, options: .named("hits"))
        #expect(try counter.current() == 5)
        #expect(try hits.threadName() == "hits")
    }
}
