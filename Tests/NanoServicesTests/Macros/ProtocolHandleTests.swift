import NanoServices
import Testing

@Suite("Programming against a protocol")
struct ProtocolHandleTests {
    @Test("a component written against a protocol works with the service handle and with an in-memory fake")
    func serviceAndFake() async throws {
        let service = try MemoryStore.Service()
        let stores: [any KeyValueStore] = [service, FakeStore()]
        for store in stores {
            let results = try await runOnNewThread {
                let registry = SessionRegistry(store: store)
                registry.open("ada")
                registry.open("linus")
                registry.close("linus")
                return [try registry.isOpen("ada"), try registry.isOpen("linus"), try registry.isOpen("grace")]
            }
            #expect(results == [true, false, false])
        }
        // The handle really forwarded to the service's own thread.
        #expect(try await service.threadOfLastPut() != 0)
        #expect(try await service.threadOfLastPut() != ThreadInfo.currentID)
    }

    @Test("the same handle satisfies an async protocol and a status protocol")
    func asyncAndStatusProtocols() async throws {
        let service = try MemoryStore.Service(options: .named("kv-store"))
        let asyncStore: some AsyncKeyValueStore = service
        await asyncStore.put("session:ada", "open")
        await asyncStore.put("session:bob", "closed")
        #expect(try await countOpenSessions(["ada", "bob", "eve"], in: asyncStore) == 1)

        let monitored: any Monitored = service
        #expect(monitored.control.name == "kv-store")
        #expect(monitored.control.state == .running)
    }

    @Test("async service methods as witnesses: a call meets `async throws` and blocking `throws` requirements, an @Cast one a plain requirement")
    func asyncMethodsAsWitnesses() async throws {
        let source: any AsyncSource = try Fetcher.Service()
        #expect(try await source.fetch() == 0)
        source.poke()  // a cast: returns at once; the service holds until it returns
        #expect(try await source.fetch() == 1)
        #expect(try await runOnNewThread { try source.fetchBlocking() } == 1)
    }

    @Test("a protocol-typed handle reports a stopped service through the protocol's `throws`")
    func stoppedServiceThrowsThroughProtocol() async throws {
        let service = try MemoryStore.Service()
        let store: any KeyValueStore = service
        try await service.control.stop()
        let error = try await runOnNewThread { () -> ServiceError? in
            do {
                _ = try store.get("anything")
                return nil
            } catch let error as ServiceError {
                return error
            }
        }
        #expect(error?.code == .stopped)
    }

    @Test("Constructor creates the worker: the spawning initializer starts a named thread and runs init there")
    func constructorCreatesTheWorker() async throws {
        let name = "ctor-worker"
        #expect(ThreadInfo.count(named: name) == 0)
        let counter = try Counter.Service(start: 41, options: .named(name))
        counter.increment()
        #expect(try await counter.current() == 42)
        let threads = try await counter.threadsSeen() // includes the thread `init(start:)` ran on
        #expect(threads.count == 1)
        #expect(!threads.contains(ThreadInfo.currentID))
        #expect(ThreadInfo.count(named: name) == 1)
        try await counter.control.stop()
        #expect(await ThreadInfo.eventually { ThreadInfo.count(named: name) == 0 })
    }
}
