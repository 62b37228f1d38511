import Foundation
import NanoServices
import Tracing

struct ObservedFailure: Error {}

/// A service whose thread can be held inside a message, so a test controls its mailbox depth.
@NanoService
final class Probe {
    private var total = 0

    init() {}

    public func add(_ amount: Int) { total += amount }

    public func sum() -> Int { total }

    /// Signals `entered`, then waits until `release` is signalled: the thread stays busy.
    public func hold(entered: DispatchSemaphore, release: DispatchSemaphore) {
        entered.signal()
        release.wait()
    }

    public func sleep(milliseconds: Int) -> Int {
        usleep(UInt32(milliseconds * 1000))
        return milliseconds
    }

    @Cast public func fail() throws { throw ObservedFailure() }
}

/// The last service of the traced chain: records one span per cast.
@NanoService
final class TraceSink {
    private var recorded = 0

    init() {}

    public func record() {
        withSpan("sink.record") { _ in recorded += 1 }
    }

    public func count() -> Int { recorded }
}

/// The middle of the traced chain: casts to the sink inside its own span.
@NanoService
final class TraceRelay {
    private let sink: TraceSink.Service

    init(sink: TraceSink.Service) { self.sink = sink }

    public func relay() -> Int {
        withSpan("relay.relay") { _ in
            sink.record()
            return 1
        }
    }
}

/// The front of the traced chain: calls the relay inside its own span.
@NanoService
final class TraceFront {
    private let relay: TraceRelay.Service

    init(relay: TraceRelay.Service) { self.relay = relay }

    public func handle() throws -> Int {
        try withSpan("front.handle") { _ in try relay.relay() }
    }

    /// An `async` method: its span must have the caller's span as parent too.
    public func handleLater() async throws -> Int {
        try await withSpan("front.handleLater") { _ in try await relay.relay() }
    }
}
