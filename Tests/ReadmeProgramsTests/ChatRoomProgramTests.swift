import NanoServices
import Testing

/// One message of a chat room.
struct ChatLine: Sendable, Equatable, CustomStringConvertible {
    let author: String
    let text: String
    var description: String { "\(author): \(text)" }
}

/// What the rest of the program knows of a chat room: a protocol, implemented by the handle of
/// the `Room` service (or by a fake in tests of code that uses a room).
@ServiceInterface
protocol ChatRoom: Sendable {
    /// Adds `name` (again: replaces its inbox) and returns how many members the room has.
    func join(_ name: String, inbox: ChatMember.Service) async throws -> Int
    /// Removes `name`; no later post reaches it.
    func leave(_ name: String)
    /// Sends `text` to every member, the author included; ignored unless `author` is a member.
    func post(_ text: String, from author: String)
    /// The members' names, sorted.
    func members() async throws -> [String]
    var control: ServiceControl { get }
}

/// A member's inbox: receives the room's lines on its own (pooled) turn.
@NanoService
final class ChatMember {
    private var lines: [ChatLine] = []
    public func receive(_ line: ChatLine) { lines.append(line) }
    public func inbox() -> [ChatLine] { lines }
}

/// Program 3: the room, a service whose handle is used only as `any ChatRoom`.
@NanoService(ChatRoom.self)
final class Room {
    private let lines = Topic<ChatLine>()
    private var subscriptions: [String: SubscriptionToken] = [:]

    public func join(_ name: String, inbox: ChatMember.Service) -> Int {
        subscriptions[name]?.cancel()
        subscriptions[name] = lines.subscribe(inbox) { $0.receive($1) }  // runs here: only casts
        return subscriptions.count
    }

    public func leave(_ name: String) {
        subscriptions.removeValue(forKey: name)?.cancel()
    }

    public func post(_ text: String, from author: String) {
        guard subscriptions[author] != nil else { return }
        lines.publish(ChatLine(author: author, text: text))
    }

    public func members() -> [String] { subscriptions.keys.sorted() }
}

@Suite("README program 3: a chat room on a pool behind a protocol")
struct ChatRoomProgramTests {
    static let names = ["ada", "bob", "cy", "dee", "eve"]
    static let linesPerMember = 10

    @Test("members on a pool receive every post in the room's order; one who left gets no more", .timeLimit(.minutes(15)))
    func chatRoomFansOutOnAPool() async throws {
        let logs = CapturedLogs()
        let pool = ServicePool(name: "chat", threads: 2)
        let options = ServiceOptions(placement: .pool(pool), logger: logs.logger)
        let room: any ChatRoom = try Room.Service(options: options)
        var inboxes: [String: ChatMember.Service] = [:]
        for name in Self.names {
            let inbox = try ChatMember.Service(options: options)
            inboxes[name] = inbox
            _ = try await room.join(name, inbox: inbox)
        }
        #expect(try await room.members() == Self.names)

        // Every member posts from its own task, concurrently; an outsider's post is ignored.
        await withTaskGroup(of: Void.self) { group in
            for name in Self.names + ["mallory"] {
                group.addTask {
                    for number in 0..<Self.linesPerMember { room.post("line \(number)", from: name) }
                }
            }
        }
        room.leave("bob")
        room.post("bye", from: "ada")
        #expect(try await room.members() == Self.names.filter { $0 != "bob" })  // the room handled every post

        let received = try await withThrowingTaskGroup(of: (String, [ChatLine]).self) { group in
            for (name, inbox) in inboxes { group.addTask { (name, try await inbox.inbox()) } }
            var received: [String: [ChatLine]] = [:]
            for try await (name, lines) in group { received[name] = lines }
            return received
        }
        // One publisher, the room: every member sees the same order, each author's lines in sequence.
        let shared = try #require(received["ada"])
        #expect(shared.count == Self.names.count * Self.linesPerMember + 1)
        #expect(shared.last == ChatLine(author: "ada", text: "bye"))
        for name in Self.names {
            let own = shared.filter { $0.author == name }.map(\.text)
            #expect(own == (0..<Self.linesPerMember).map { "line \($0)" } + (name == "ada" ? ["bye"] : []))
        }
        for name in Self.names where name != "bob" { #expect(received[name] == shared) }
        #expect(received["bob"] == Array(shared.dropLast()))

        try await room.control.stop()  // through the protocol
        #expect(room.control.droppedCasts == 0)
        try await pool.shutdown()  // stops the members gracefully and ends the pool's threads
        #expect(inboxes.values.allSatisfy { $0.control.droppedCasts == 0 })
        #expect(logs.problems == [])
    }
}
