import NanoServices
import Synchronization

/// What the rest of the program knows about storage: a protocol, nothing about threads.
@ServiceInterface
protocol KeyValueStore: Sendable {
    func get(_ key: String) throws -> String?
    func put(_ key: String, _ value: String)
}

/// The same store seen from async code.
@ServiceInterface
protocol AsyncKeyValueStore: Sendable {
    func get(_ key: String) async throws -> String?
    func put(_ key: String, _ value: String) async
}

/// Monitoring needs only the handle's own lifecycle and introspection.
@ServiceInterface
protocol Monitored: Sendable {
    var control: ServiceControl { get }
}

/// The production store: a service whose handle conforms to all three protocols.
@NanoService(KeyValueStore.self, AsyncKeyValueStore.self, Monitored.self)
final class MemoryStore {
    private var values: [String: String] = [:]
    private var lastThread: UInt = 0

    public func get(_ key: String) -> String? { values[key] }
    public func put(_ key: String, _ value: String) {
        values[key] = value
        lastThread = ThreadInfo.currentID
    }
    public func threadOfLastPut() -> UInt { lastThread }
}

/// The test double: an in-memory fake, no thread of its own.
final class FakeStore: KeyValueStore {
    let values = Protected<[String: String]>([:])
    func get(_ key: String) -> String? { values.withLock { $0[key] } }
    func put(_ key: String, _ value: String) { values.withLock { $0[key] = value } }
}

/// A component written against the protocol only.
struct SessionRegistry {
    let store: any KeyValueStore

    func open(_ user: String) { store.put("session:\(user)", "open") }
    func close(_ user: String) { store.put("session:\(user)", "closed") }
    func isOpen(_ user: String) throws -> Bool { try store.get("session:\(user)") == "open" }
}

/// The same component, generic and async.
func countOpenSessions(_ users: [String], in store: some AsyncKeyValueStore) async throws -> Int {
    var open = 0
    for user in users where try await store.get("session:\(user)") == "open" { open += 1 }
    return open
}

/// A source whose implementation has `async` methods: an `async` call meets an `async throws`
/// requirement (and a blocking `throws` one); an `@Cast` `async` method meets a requirement
/// that neither throws nor is `async`.
@ServiceInterface
protocol AsyncSource: Sendable {
    func fetch() async throws -> Int
    func fetchBlocking() throws -> Int
    func poke()
}

@NanoService(AsyncSource.self)
final class Fetcher {
    private var value = 0

    init() {}

    public func fetch() async -> Int {
        await Task.yield()
        return value
    }

    public func fetchBlocking() async -> Int { await fetch() }

    @Cast public func poke() async {
        await Task.yield()
        value += 1
    }
}
