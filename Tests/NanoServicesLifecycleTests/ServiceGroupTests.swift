import Logging
import NanoServices
import NanoServicesLifecycle
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

@Suite("swift-service-lifecycle: supervisors and groups in a ServiceGroup", .timeLimit(.minutes(15)))
struct ServiceGroupTests {
    let logger = Logger(label: "lifecycle-test")

    /// Starts a child held at a gate, with a call queued behind: it cannot drain until the gate
    /// opens, and the queued call shows how it was stopped.
    func startHeld(under supervisor: Supervisor) async throws -> (Tally.Service, Gate, Task<Int, any Error>) {
        try await hold(try supervisor.start(Tally.self) { Tally("held", record: Record()) })
    }

    /// Holds `worker` at a gate with a call queued behind (see ``startHeld(under:)``).
    func hold(_ worker: Tally.Service) async throws -> (Tally.Service, Gate, Task<Int, any Error>) {
        let gate = Gate()
        worker.hold(gate)
        await eventually { gate.hasArrival }
        let queued = Task { try await worker.total() }
        await eventually { worker.control.mailboxDepth >= 1 }
        return (worker, gate, queued)
    }

    @Test("graceful shutdown stops a supervisor's children in reverse start order, each draining")
    func gracefulShutdownOfSupervisor() async throws {
        let record = Record()
        let supervisor = Supervisor(name: "graceful")
        let first = try supervisor.start(Tally.self) { Tally("first", record: record) }
        let second = try supervisor.start(Tally.self) { Tally("second", record: record) }
        let gate = Gate()
        first.hold(gate)
        await eventually { gate.hasArrival }
        for _ in 0..<100 { first.add(); second.add() }
        let group = ServiceGroup(services: [SupervisorService(supervisor)], logger: logger)
        let running = Task { try await group.run() }
        await group.triggerGracefulShutdown()
        // `second`, started last, stops first, while `first` is still busy.
        await eventually { second.control.state == .stopped }
        #expect(first.control.state != .stopped)
        gate.open()
        try await running.value
        #expect(record.all == ["second released after 100", "first released after 100"])
    }

    @Test("the graceful-shutdown trigger of ServiceLifecycleTestKit drains a group of plain services")
    func gracefulShutdownOfGroup() async throws {
        let record = Record()
        let first = try Tally.Service("first", record: record)
        let second = try Tally.Service("second", record: record)
        for _ in 0..<50 { first.add(); second.add() }
        let group = NanoServicesGroup(first.control, second.control)
        try await testGracefulShutdown { trigger in
            async let run: Void = group.run()
            trigger.triggerGracefulShutdown()
            try await run
        }
        #expect(record.all == ["second released after 50", "first released after 50"])
    }

    @Test("a group whose services all stop before any shutdown throws `stopped`")
    func groupEndsEarly() async throws {
        let only = try Tally.Service("only", record: Record())
        let group = NanoServicesGroup(only.control)
        let running = Task { try await group.run() }
        try await only.control.stop()
        await #expect { try await running.value } throws: { ($0 as? ServiceError)?.code == .stopped }
    }

    /// `held` (with a call queued behind it), after `idle` when asked for: children of a
    /// supervisor, or plain services in a `NanoServicesGroup`; and the lifecycle service that
    /// runs them in a `ServiceGroup`.
    func heldServices(grouped: Bool, withIdle: Bool) async throws
        -> (idle: Tally.Service?, held: Tally.Service, gate: Gate, queued: Task<Int, any Error>, service: any Service) {
        if grouped {
            let idle = withIdle ? try Tally.Service("idle", record: Record()) : nil
            let (held, gate, queued) = try await hold(try Tally.Service("held", record: Record()))
            return (idle, held, gate, queued, NanoServicesGroup([idle?.control, held.control].compactMap { $0 }))
        }
        let supervisor = Supervisor(name: "held")
        let idle = withIdle ? try supervisor.start(Tally.self) { Tally("idle", record: Record()) } : nil
        let (held, gate, queued) = try await startHeld(under: supervisor)
        return (idle, held, gate, queued, SupervisorService(supervisor))
    }

    @Test("cancellation stops the services at once: queued calls fail with `stopped` (a supervisor's children, or a NanoServicesGroup)",
          arguments: [false, true])
    func cancellation(grouped: Bool) async throws {
        let (_, worker, gate, queued, service) = try await heldServices(grouped: grouped, withIdle: false)
        let group = ServiceGroup(services: [service], logger: logger)
        let running = Task { try await group.run() }
        running.cancel()
        await eventually { worker.control.state == .stopping }
        gate.open()
        await #expect { try await queued.value } throws: { ($0 as? ServiceError)?.code == .stopped }
        _ = try? await running.value
        #expect(worker.control.state == .stopped)
    }

    @Test("past the group's graceful-shutdown deadline, the stop becomes immediate (a supervisor's children, or a NanoServicesGroup)",
          arguments: [false, true])
    func deadline(grouped: Bool) async throws {
        let (idle, held, gate, queued, service) = try await heldServices(grouped: grouped, withIdle: true)
        var configuration = ServiceGroupConfiguration(services: [.init(service: service)], logger: logger)
        configuration.maximumGracefulShutdownDuration = .milliseconds(50)
        let group = ServiceGroup(configuration: configuration)
        let running = Task { try await group.run() }
        await group.triggerGracefulShutdown()
        // Gracefully, `idle` would stop only after `held` (reverse start order), which cannot
        // drain while held: `idle` stopping proves the deadline made the stop immediate.
        await eventually { idle?.control.state == .stopped }
        gate.open()
        await #expect { try await queued.value } throws: { ($0 as? ServiceError)?.code == .stopped }
        _ = try? await running.value
        #expect(held.control.state == .stopped)
    }

    @Test("a supervisor that gives up fails its ServiceGroup with restartLimitExceeded")
    func supervisorFailureFailsGroup() async throws {
        let supervisor = Supervisor(name: "fragile", intensity: .init(maxRestarts: 0, within: .seconds(60)), backoff: .none)
        let worker = try supervisor.start(Tally.self) { Tally("w", record: Record()) }
        let group = ServiceGroup(services: [SupervisorService(supervisor)], logger: logger)
        let running = Task { try await group.run() }
        worker.crash()
        await #expect { try await running.value } throws: { ($0 as? ServiceError)?.code == .restartLimitExceeded }
    }
}
