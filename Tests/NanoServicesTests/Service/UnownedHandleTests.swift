import NanoServices
import Testing

/// A service that keeps a handle to itself: owning (the trap) or unowned.
@NanoService
final class SelfReferrer {
    private var ownHandle: SelfReferrer.Service?
    private var unownedHandle: SelfReferrer.Service?
    private var echoes = 0

    init(unownedInInit: Bool) {
        if unownedInInit { unownedHandle = SelfReferrer.Service.unownedCurrent }
    }

    /// Keeps an owning handle to itself: the trap.
    @Call public func keep(_ handle: SelfReferrer.Service) { ownHandle = handle }
    @Call public func forget() { ownHandle = nil }
    public func unownedSelf() -> SelfReferrer.Service? { SelfReferrer.Service.unownedCurrent }
    /// Casts `echo()` to itself through the unowned handle its initializer stored.
    @Call public func echoThroughSelf() { unownedHandle?.echo() }
    public func echo() { echoes += 1 }
    public func echoCount() -> Int { echoes }
    public func ping() -> String { "pong" }
}

@Suite("Handles that do not keep their service running")
struct UnownedHandleTests {
    @Test("the trap: a service holding an owning handle to itself runs on after every outside handle is released",
          .timeLimit(.minutes(15)))
    func owningSelfHandleKeepsServiceRunning() async throws {
        var service: SelfReferrer.Service? = try SelfReferrer.Service(unownedInInit: false)
        try await service!.keep(service!)
        let observer = try #require(try await service!.unownedSelf())
        service = nil  // every outside owning handle is gone...
        #expect(try await observer.ping() == "pong")  // ...and yet it runs: it owns itself
        #expect(observer.control.state == .running)
        try await observer.forget()  // its last owning handle goes, on its own thread: it stops
        try await observer.control.join()
        #expect(observer.control.state == .stopped)
    }

    @Test("with an unowned self-handle, releasing the last outside handle stops the service",
          .timeLimit(.minutes(15)))
    func unownedSelfHandleLetsServiceStop() async throws {
        var service: SelfReferrer.Service? = try SelfReferrer.Service(unownedInInit: true)
        #expect(service!.control.isUnowned == false)
        try await service!.echoThroughSelf()
        #expect(try await service!.echoCount() == 1)  // the unowned handle reaches the service
        let observer = try #require(try await service!.unownedSelf())
        #expect(observer.control.isUnowned)
        #expect(observer.timingOut(after: .seconds(1)).control.isUnowned)
        service = nil
        try await observer.control.join()  // ends: unowned handles do not keep it running
        let error = await #expect(throws: ServiceError.self) { try await observer.ping() }
        #expect(error?.code == .stopped)
        observer.echo()  // like a cast to any stopped service: dropped and counted
        #expect(observer.control.droppedCasts == 1)
    }

    @Test("unownedCurrent is nil off a service thread")
    func unownedCurrentElsewhere() {
        #expect(SelfReferrer.Service.unownedCurrent == nil)
    }
}
