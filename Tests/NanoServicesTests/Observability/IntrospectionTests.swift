import Foundation
import NanoServices
import Testing

@Suite("Observability: introspection")
struct ObservabilityIntrospectionTests {
    @Test("three services under load: states, depths and exact counts, then stopped and unregistered")
    func threeServicesUnderLoad() async throws {
        let names = ["intro-a", "intro-b", "intro-c"].map { "\($0)-\(UInt16.random(in: 0...UInt16.max))" }
        let services = try names.map { try Probe.Service(options: .named($0)) }
        let releases = services.map { _ in DispatchSemaphore(value: 0) }
        for (service, release) in zip(services, releases) {
            let entered = DispatchSemaphore(value: 0)
            service.hold(entered: entered, release: release)
            entered.wait()  // the thread is now inside `hold`
        }
        // 4 concurrent senders × 250 casts per service while every thread is busy.
        await withTaskGroup(of: Void.self) { group in
            for service in services {
                for _ in 0..<4 {
                    group.addTask { for _ in 0..<250 { service.add(1) } }
                }
            }
        }
        for service in services {
            let snapshot = service.control.snapshot()
            #expect(snapshot.state == .running)
            #expect(snapshot.mailboxDepth == 1_000)
            #expect(snapshot.messagesHandled == 1)  // `hold`, counted when it began
            #expect(snapshot.threadName == service.control.name)
            #expect(snapshot.threadID != nil)
        }
        let live = ServiceRegistry.snapshot().filter { names.contains($0.name) }
        #expect(live.map(\.name) == names.sorted())
        #expect(live.allSatisfy { $0.typeName == "Probe" && $0.state == .running })

        for release in releases { release.signal() }
        for service in services {
            #expect(try await service.sum() == 1_000)
            let snapshot = service.control.snapshot()
            #expect(snapshot.mailboxDepth == 0)
            #expect(snapshot.messagesHandled == 1_002)
            #expect(snapshot.handledByMethod == ["hold(entered:release:)": 1, "add(_:)": 1_000, "sum()": 1])
            #expect(snapshot.castsDropped == 0)
            #expect(snapshot.callsFailed.isEmpty)
            #expect(snapshot.busyTime > .zero)
            #expect(snapshot.description.contains("\(service.control.name) [Probe] running"))
            #expect(snapshot.description.contains("handled=1002"))
        }

        for service in services { try await service.control.stop() }
        for service in services {
            #expect(service.control.snapshot().state == .stopped)
            #expect(service.control.snapshot().mailboxDepth == 0)
        }
        #expect(ServiceRegistry.snapshot().allSatisfy { !names.contains($0.name) })
    }

    @Test("failed calls and dropped casts are counted by code")
    func failuresByCode() async throws {
        let service = try Probe.Service(options: .named("intro-failures"))
        await #expect(throws: ServiceError.self) {
            try await service.timingOut(after: .milliseconds(5)).sleep(milliseconds: 200)
        }
        try await service.control.stop()
        service.add(1)
        await #expect(throws: ServiceError.self) { try await service.sum() }
        let snapshot = service.control.snapshot()
        #expect(snapshot.callsFailed == [.timeout: 1, .stopped: 1])
        #expect(snapshot.castsDropped == 1)
        #expect(snapshot.description.contains("failed=stopped:1,timeout:1"))
    }

    @Test("a released service leaves the registry: the registry keeps nothing alive")
    func releasedServiceLeaves() async throws {
        let name = "intro-released-\(UInt16.random(in: 0...UInt16.max))"
        var service: Probe.Service? = try Probe.Service(options: .named(name))
        _ = try await service?.sum()
        #expect(ServiceRegistry.snapshot().contains { $0.name == name })
        weak let core = service?._$runtime
        service = nil  // the last handle: graceful stop
        #expect(core == nil)
        // The thread ends on its own; poll its leaving with a bound, no fixed sleep.
        let deadline = ContinuousClock.now + .seconds(10)
        while ServiceRegistry.snapshot().contains(where: { $0.name == name }) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(1))
        }
        #expect(!ServiceRegistry.snapshot().contains { $0.name == name })
    }
}

@Suite("Observability: statistics off")
struct ObservabilityStatisticsOffTests {
    @Test("collectsStatistics: false leaves the handled counts and busy time at 0, still counts drops and failures")
    func statisticsOff() async throws {
        let service = try Probe.Service(options: .init(name: "intro-off", collectsStatistics: false))
        for _ in 0..<100 { service.add(1) }
        #expect(try await service.sum() == 100)  // every cast handled before the call
        let running = service.control.snapshot()
        #expect(running.state == .running)
        #expect(running.messagesHandled == 0)
        #expect(running.handledByMethod.isEmpty)
        #expect(running.busyTime == .zero)
        #expect(running.mailboxDepth == 0)

        try await service.control.stop()
        service.add(1)
        await #expect(throws: ServiceError.self) { try await service.sum() }
        let stopped = service.control.snapshot()
        #expect(stopped.state == .stopped)
        #expect(stopped.castsDropped == 1)
        #expect(stopped.callsFailed == [.stopped: 1])
    }

    @Test("the same workload with statistics on is counted, so the test above could fail")
    func statisticsOnCounterpart() async throws {
        let service = try Probe.Service(options: .init(name: "intro-on"))
        for _ in 0..<100 { service.add(1) }
        #expect(try await service.sum() == 100)
        let snapshot = service.control.snapshot()
        #expect(snapshot.messagesHandled == 101)
        #expect(snapshot.handledByMethod == ["add(_:)": 100, "sum()": 1])
        #expect(snapshot.busyTime > .zero)
        try await service.control.stop()
    }
}
