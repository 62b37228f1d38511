import NanoServices
import Synchronization

/// Stops services in reverse order, once; an immediate stop may follow a graceful one.
/// Thread safety: any thread.
final class ReverseOrderStopper: Sendable {
    private let services: [ServiceControl]
    private let asked = Atomic<Bool>(false)

    init(_ services: [ServiceControl]) { self.services = services }

    var wasAsked: Bool { asked.load(ordering: .acquiring) }

    func stop(_ mode: StopMode) {
        let first = !asked.exchange(true, ordering: .acquiringAndReleasing)
        switch mode {
        case .immediate:
            for service in services.reversed() { service.requestStop(.immediate) }
        case .graceful:
            guard first else { return }
            let services = self.services
            Task {
                for service in services.reversed() {
                    service.requestStop(.graceful)
                    try? await service.join()
                }
            }
        }
    }
}
