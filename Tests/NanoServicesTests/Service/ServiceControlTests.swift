import NanoServices
import Testing

/// A chat room whose domain words used to be reserved by the handle.
@ServiceInterface
protocol ChatRoom: Sendable {
    var control: ServiceControl { get }
    func join(_ user: String)
    func leave(_ user: String)
    func members() throws -> [String]
    func state() throws -> String
}

@NanoService(ChatRoom.self)
final class Room {
    private var users: [String] = []
    private var closed = false

    public func join(_ user: String) { users.append(user) }
    public func leave(_ user: String) { users.removeAll { $0 == user } }
    public func members() -> [String] { users }
    public func state() -> String { closed ? "closed" : "open" }
    public func name() -> String { "lobby" }
    public func stop() { closed = true }
    public func timeout(_ seconds: Int) -> Int { seconds }
    public func snapshot() -> [String] { users }
}

@Suite("The handle's namespace: domain names are forwarded, lifecycle is on 'control'")
struct ServiceControlTests {
    @Test("methods named join, stop, state, name, timeout and snapshot are ordinary service methods")
    func domainNamesAreForwarded() throws {
        let room = try Room.Service(options: .named("room"))
        room.join("ada")
        room.join("grace")
        room.leave("grace")
        room.stop()                                   // the room's own `stop()`, a cast
        #expect(try room.members() == ["ada"])
        #expect(try room.state() == "closed")
        #expect(try room.name() == "lobby")
        #expect(try room.timeout(3) == 3)
        #expect(try room.snapshot() == ["ada"])
        #expect(room.control.state == .running)       // the service itself still runs
        #expect(room.control.name == "room")
        try room.control.stop()
        #expect(room.control.state == .stopped)
    }

    @Test("a protocol-typed handle reaches the service's control")
    func protocolRequiresControl() throws {
        let room: any ChatRoom = try Room.Service()
        room.join("ada")
        #expect(try room.members() == ["ada"])
        try room.control.stop()
        #expect(room.control.state == .stopped)
        #expect(throws: ServiceError.self) { try room.members() }
    }

    @Test("control reports drops and depth, and snapshots the service")
    func introspection() throws {
        let counter = try Counter.Service(start: 0, options: .named("hits"))
        counter.increment()
        #expect(try counter.current() == 1)
        #expect(counter.control.mailboxDepth == 0)
        try counter.control.stop()
        counter.increment()                            // after the stop: dropped and counted
        #expect(counter.control.droppedCasts == 1)
        let snapshot = counter.control.snapshot()
        #expect(snapshot.name == "hits")
        #expect(snapshot.state == .stopped)
    }

    @Test("a control value keeps the service running like a handle copy")
    func controlKeepsServiceAlive() throws {
        let control = try Counter.Service(start: 0).control   // the handle itself is released here
        #expect([.starting, .running].contains(control.state))   // not stopping: no stop was requested
        try control.stop()
        #expect(control.state == .stopped)
    }

    @Test("timingOut(after:) limits the calls of one call site")
    func timingOut() throws {
        let counter = try Counter.Service(start: 2)
        #expect(try counter.timingOut(after: .seconds(60)).current() == 2)
        try counter.control.stop()
    }
}
