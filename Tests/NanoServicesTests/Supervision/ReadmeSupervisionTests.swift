import NanoServices
import Testing

/// The README's "Supervision" example, with the two services it names.
@NanoService
final class Database {
    private var rows: [String] = []
    init(url: String) throws {
        guard url.hasPrefix("postgres://") else { throw ServiceFailure("bad url \(url)") }
    }
    public func insert(_ row: String) { rows.append(row) }
    public func count() -> Int { rows.count }
}

@NanoService
final class Cache {
    private let db: Database.Service
    init(db: Database.Service) { self.db = db }
    public func size() throws -> Int { try db.count() }
}

@Suite("Supervision: the README example", .timeLimit(.minutes(15)))
struct ReadmeSupervisionTests {
    @Test("the README's supervisor starts, serves and stops")
    func readmeExample() async throws {
        let url = "postgres://localhost/app"
        let row = "ada"
        let supervisor = Supervisor(name: "storage", strategy: .oneForOne,
                                    intensity: .init(maxRestarts: 5, within: .seconds(10)),
                                    backoff: .exponential(initial: .milliseconds(10), maximum: .seconds(5)))
        let db = try supervisor.start(Database.self) { try Database(url: url) }     // Database.Service
        let cache = try supervisor.start(Cache.self, restart: .transient) { Cache(db: db) }
        db.insert(row)
        #expect(try await cache.size() == 1)
        let running = Task { try await supervisor.run() }
        await supervisor.stop()
        try await running.value
    }
}
